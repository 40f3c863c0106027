"""Hash algorithms, the PKCS#1 DigestInfo the card signs, and checking a PKCS#1 v1.5 signature.

The card's COMPUTE DIGITAL SIGNATURE (P1 ``00``) takes a DER DigestInfo and applies PKCS#1 v1.5
padding and the RSA private key; hashing happens here, on the host.

Building a DigestInfo needs neither ASN.1 library: for the four algorithms it is a fixed DER
prefix and the digest (RFC 8017 section 9.2, note 1). ``cryptography`` and ``asn1crypto`` are
imported only by what checks or parses a signature.
"""

from __future__ import annotations

import os
import stat
from enum import unique
from typing import TYPE_CHECKING, BinaryIO

from .enums import AttributedStrEnum
from .errors import InputError, SignatureInvalidError

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    from .certificate import CertificateInfo

__all__ = [
    "DATA_FILE_LIMIT",
    "HashAlgorithm",
    "MessageFile",
    "digest_info",
    "parse_digest_info",
    "verify_pkcs1_signature",
]


@unique
class HashAlgorithm(AttributedStrEnum):
    """The hash algorithms a DigestInfo for the card may name (value: the asn1crypto name)."""

    digest_size: int
    """Length of a digest, in bytes."""
    oid: str
    """The algorithm's dotted object identifier."""

    SHA1 = "sha1", 20, "1.3.14.3.2.26"
    SHA256 = "sha256", 32, "2.16.840.1.101.3.4.2.1"
    SHA384 = "sha384", 48, "2.16.840.1.101.3.4.2.2"
    SHA512 = "sha512", 64, "2.16.840.1.101.3.4.2.3"

    def new_hash(self) -> hashes.HashAlgorithm:
        """A fresh ``cryptography`` hash object for this algorithm."""
        from cryptography.hazmat.primitives import hashes

        factory: type[hashes.HashAlgorithm] = getattr(hashes, self.name)
        return factory()

    def hash(self, message: bytes | MessageFile) -> bytes:
        """The digest of ``message`` (bytes, or a :class:`MessageFile` hashed as a stream)."""
        if isinstance(message, MessageFile):
            return message.digest(self)
        import hashlib  # on first use: loading OpenSSL's digests costs a few ms at start-up

        return hashlib.new(self.value, message).digest()

    @classmethod
    def from_oid(cls, oid: str) -> HashAlgorithm:
        """The algorithm with the dotted ``oid``.

        :raises ValueError: not one of the four algorithms.
        """
        algorithm = cls._with("oid", oid)
        if algorithm is None:
            raise ValueError(f"unsupported hash algorithm {oid}")
        return algorithm


#: The DER of a DigestInfo up to its digest: SEQUENCE { AlgorithmIdentifier { OID, NULL },
#: OCTET STRING header } (RFC 8017 section 9.2, note 1).
_DIGEST_INFO_PREFIXES = {
    HashAlgorithm.SHA1: bytes.fromhex("3021300906052b0e03021a05000414"),
    HashAlgorithm.SHA256: bytes.fromhex("3031300d060960864801650304020105000420"),
    HashAlgorithm.SHA384: bytes.fromhex("3041300d060960864801650304020205000430"),
    HashAlgorithm.SHA512: bytes.fromhex("3051300d060960864801650304020305000440"),
}


DATA_FILE_LIMIT = 16 << 30
"""The largest data file ``sign`` and ``verify`` hash (16 GiB; read as a stream)."""

_CHUNK = 1 << 20


class MessageFile:
    """A message kept in a file, hashed as a stream in 1 MiB pieces: never read whole.

    Each algorithm's digest is computed once and remembered, so everything that signs or
    checks this message sees the same bytes even if the file changes meanwhile.

    :param path: the file.
    :param limit: the most bytes hashed; a longer file (or an endless one, such as
        ``/dev/zero``) is refused.
    :raises InputError: the file cannot be opened, or is a directory.
    """

    def __init__(self, path: str | os.PathLike[str], *, limit: int = DATA_FILE_LIMIT) -> None:
        self._path = os.fspath(path)
        self._limit = limit
        self._digests: dict[HashAlgorithm, bytes] = {}
        with self._open():
            pass

    def __repr__(self) -> str:
        return f"MessageFile({self._path!r})"

    @property
    def path(self) -> str:
        """The file."""
        return self._path

    def _open(self) -> BinaryIO:
        try:
            handle = open(self._path, "rb")  # noqa: SIM115 - returned to a with block
        except OSError as exc:
            raise InputError(f"cannot read {self._path}: {exc.strerror or exc}") from exc
        if stat.S_ISDIR(os.fstat(handle.fileno()).st_mode):
            handle.close()
            raise InputError(f"cannot read {self._path}: it is a directory")
        return handle

    def digest(self, algorithm: HashAlgorithm) -> bytes:
        """The digest of the file's content with *algorithm*.

        :raises InputError: the file cannot be read, or is larger than the limit.
        """
        algorithm = HashAlgorithm(algorithm)
        known = self._digests.get(algorithm)
        if known is not None:
            return known
        import hashlib  # on first use, as in HashAlgorithm.hash

        hasher = hashlib.new(algorithm.value)
        total = 0
        with self._open() as handle:
            while True:
                try:
                    chunk = handle.read(_CHUNK)
                except OSError as exc:
                    raise InputError(f"cannot read {self._path}: {exc.strerror or exc}") from exc
                if not chunk:
                    break
                total += len(chunk)
                if total > self._limit:
                    raise InputError(
                        f"{self._path} is larger than {self._limit} bytes, the most that is "
                        "signed or verified"
                    )
                hasher.update(chunk)
        self._digests[algorithm] = hasher.digest()
        return self._digests[algorithm]


def _resolve_digest(
    algorithm: HashAlgorithm, message: bytes | MessageFile | None, digest: bytes | None
) -> bytes:
    if message is not None and digest is None:
        return algorithm.hash(message if isinstance(message, MessageFile) else bytes(message))
    if digest is not None and message is None:
        if len(digest) != algorithm.digest_size:
            raise ValueError(
                f"a {algorithm.name} digest is {algorithm.digest_size} bytes, got {len(digest)}"
            )
        return bytes(digest)
    raise ValueError("give exactly one of message and digest")


def digest_info(
    algorithm: HashAlgorithm,
    message: bytes | MessageFile | None = None,
    digest: bytes | None = None,
) -> bytes:
    """The DER ``DigestInfo`` (RFC 8017 §9.2) of ``message``, or of a ready ``digest``.

    The AlgorithmIdentifier carries explicit NULL parameters, as the card and RFC 8017 expect;
    for SHA-256 the result starts ``30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20``.

    :raises ValueError: both or neither of ``message`` and ``digest``, or a digest of the wrong
        length for ``algorithm``.
    """
    algorithm = HashAlgorithm(algorithm)
    return _DIGEST_INFO_PREFIXES[algorithm] + _resolve_digest(algorithm, message, digest)


def parse_digest_info(data: bytes) -> tuple[HashAlgorithm, bytes]:
    """Split a DER DigestInfo into its algorithm and digest.

    :raises ValueError: not a DigestInfo, an unsupported algorithm or a digest of the wrong size.
    """
    from asn1crypto import algos

    try:
        info = algos.DigestInfo.load(bytes(data), strict=True)
        oid = info["digest_algorithm"]["algorithm"].dotted
        value = bytes(info["digest"].native)
    except (ValueError, TypeError, KeyError) as exc:
        raise ValueError(f"not a DER DigestInfo: {exc}") from exc
    algorithm = HashAlgorithm.from_oid(oid)
    if len(value) != algorithm.digest_size:
        raise ValueError(f"DigestInfo holds a {len(value)}-byte {algorithm.name} digest")
    return algorithm, value


def verify_pkcs1_signature(
    certificate: CertificateInfo | x509.Certificate,
    message_or_digest: bytes,
    signature: bytes,
    algorithm: HashAlgorithm = HashAlgorithm.SHA256,
    *,
    prehashed: bool = False,
) -> None:
    """Check an RSA PKCS#1 v1.5 ``signature`` with the public key of ``certificate``.

    :param message_or_digest: the signed message, or its digest when ``prehashed`` is true.
    :raises SignatureInvalidError: the signature does not verify, or the key is not RSA.
    :raises ValueError: ``prehashed`` with a digest of the wrong length.
    """
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

    from .certificate import CertificateInfo

    algorithm = HashAlgorithm(algorithm)
    cert = certificate.certificate if isinstance(certificate, CertificateInfo) else certificate
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureInvalidError(
            f"the certificate's key is {type(key).__name__}, not RSA: cannot check the signature"
        )
    data = bytes(message_or_digest)
    chosen: hashes.HashAlgorithm | utils.Prehashed = algorithm.new_hash()
    if prehashed:
        data = _resolve_digest(algorithm, None, data)
        chosen = utils.Prehashed(algorithm.new_hash())
    try:
        key.verify(bytes(signature), data, padding.PKCS1v15(), chosen)
    except InvalidSignature as exc:
        raise SignatureInvalidError(
            f"the {algorithm.name} RSA signature does not verify with the key of "
            f"{cert.subject.rfc4514_string()}"
        ) from exc
