// The hand-out's print button (no inline script under the page's Content-Security-Policy).
"use strict";
document.getElementById("print").addEventListener("click", function () {
  window.print();
});
