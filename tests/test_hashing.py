"""The one sha256 helper: the digest of bytes and of a file read in chunks agree, on a known vector."""

from zonedata.base.hashing import CHUNK, sha256_bytes, sha256_file


def test_the_digest_is_the_standard_one():
    assert sha256_bytes(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_a_file_hashes_as_its_bytes_across_chunk_boundaries(tmp_path):
    for size in (0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 7):
        data = bytes(i % 251 for i in range(size))
        path = tmp_path / f"f{size}"
        path.write_bytes(data)
        assert sha256_file(path) == sha256_bytes(data), size
