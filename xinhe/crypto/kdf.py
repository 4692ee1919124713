"""Password key derivation: Argon2id, slow on purpose (about 0.5–1 s on a studio workstation).

The parameters are stored with every key slot, so slots made with other parameters
(older defaults, or the cheap test setting) still open.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

# Measured on the 2-core reference machine: 256 MiB, 3 passes, 2 lanes take 0.5–0.7 s.
PRODUCTION_MEMORY_KIB = 256 * 1024
PRODUCTION_ITERATIONS = 3
PRODUCTION_LANES = 2

# Explicit test setting: set by the test suite (and only there) to make slots cheap.
TEST_KDF_ENV = "XINHE_TEST_FAST_KDF"


@dataclass(frozen=True)
class KdfParams:
    algorithm: str
    memory_kib: int
    iterations: int
    lanes: int

    @classmethod
    def production(cls) -> KdfParams:
        return cls("argon2id", PRODUCTION_MEMORY_KIB, PRODUCTION_ITERATIONS, PRODUCTION_LANES)

    @classmethod
    def cheap_for_tests(cls) -> KdfParams:
        return cls("argon2id", 64, 1, 1)

    @classmethod
    def default(cls) -> KdfParams:
        """Production parameters unless the test suite has asked for cheap ones."""
        if os.environ.get(TEST_KDF_ENV) == "1":
            return cls.cheap_for_tests()
        return cls.production()

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> KdfParams:
        params = cls(str(data["algorithm"]), int(str(data["memory_kib"])),
                     int(str(data["iterations"])), int(str(data["lanes"])))
        if params.algorithm != "argon2id":
            raise ValueError(f"unknown KDF {params.algorithm}")
        if not (8 * params.lanes <= params.memory_kib <= 4 * 1024 * 1024):
            raise ValueError("KDF memory out of range")
        if not (1 <= params.iterations <= 64 and 1 <= params.lanes <= 16):
            raise ValueError("KDF cost out of range")
        return params


def derive(password: str, salt: bytes, params: KdfParams) -> bytes:
    """32 bytes from a password; costs about 0.5–1 s with the production parameters."""
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id  # loads at the first slot

    return Argon2id(
        salt=salt,
        length=32,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    ).derive(password.encode("utf-8"))
