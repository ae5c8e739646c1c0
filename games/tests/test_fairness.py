"""The provably fair algorithm, pinned by known-answer vectors and statistics.

The vectors are copied literally from ARCHITECTURE.md's fairness-vectors.json
(CI does not have that file): if any of these change, every published round
stops verifying.
"""

from __future__ import annotations

import re

import pytest

from games.fairness import (
    DrawStream,
    byte_stream,
    commitment,
    commitment_matches,
    generate_client_seed,
    generate_server_seed,
    hash_server_seed,
    hmac_block,
)

VECTORS = [
    {
        "server_seed": "0000000000000000000000000000000000000000000000000000000000000000",
        "server_seed_hash": "60e05bd1b195af2f94112fa7197a5c88289058840ce7c6df9693756bc6250f55",
        "client_seed": "casino-club",
        "nonce": 0,
        "first_hmac_block_hex": "6da07225adb261e7891f8d6cf0868e41af9f1df06bc7300862f567da63127a83",
        "slot_strip_lengths": [30, 33, 36, 40, 47],
        "slot_stops": [15, 19, 0, 1, 19],
        "roulette_pocket": 5,
        "rps_house_move": "rock",
    },
    {
        "server_seed": "a3f1a3f1a3f1a3f1a3f1a3f1a3f1a3f1a3f1a3f1a3f1a3f1a3f1a3f1a3f1a3f1",
        "server_seed_hash": "40f01b99607201f4d394d89042b93e62aab9ced9a54c030f1549512dcb675f5f",
        "client_seed": "player-chosen-seed",
        "nonce": 7,
        "first_hmac_block_hex": "7b43a5449b7edb38d6e8ebaac372e9006d6b6e9c744d71d53faaf3d0b631b01a",
        "slot_strip_lengths": [30, 33, 36, 40, 47],
        "slot_stops": [18, 4, 14, 32, 4],
        "roulette_pocket": 0,
        "rps_house_move": "rock",
    },
]

# Upper 0.1% points of the chi-square distribution (standard tables, e.g. NIST
# e-Handbook 1.3.6.7.4); a fair generator exceeds them once in a thousand runs.
CHI_SQUARE_CRITICAL_P001 = {5: 20.515, 36: 67.985}


def stream_for(vector: dict) -> DrawStream:
    return DrawStream(vector["server_seed"], vector["client_seed"], vector["nonce"])


@pytest.mark.parametrize("vector", VECTORS)
def test_server_seed_hash_matches_vector(vector):
    assert hash_server_seed(vector["server_seed"]) == vector["server_seed_hash"]


@pytest.mark.parametrize("vector", VECTORS)
def test_first_hmac_block_matches_vector(vector):
    block = hmac_block(vector["server_seed"], vector["client_seed"], vector["nonce"], 0)
    assert block.hex() == vector["first_hmac_block_hex"]
    stream = byte_stream(vector["server_seed"], vector["client_seed"], vector["nonce"])
    assert next(stream).hex() == vector["first_hmac_block_hex"]


@pytest.mark.parametrize("vector", VECTORS)
def test_slot_stops_match_vector(vector):
    stream = stream_for(vector)
    stops = [stream.draw(length) for length in vector["slot_strip_lengths"]]
    assert stops == vector["slot_stops"]
    assert stream.draws == vector["slot_stops"]


@pytest.mark.parametrize("vector", VECTORS)
def test_roulette_pocket_matches_vector(vector):
    assert stream_for(vector).draw(37) == vector["roulette_pocket"]


@pytest.mark.parametrize("vector", VECTORS)
def test_rps_house_move_matches_vector(vector):
    move = ["rock", "paper", "scissors"][stream_for(vector).draw(3)]
    assert move == vector["rps_house_move"]


def test_stream_continues_into_later_blocks():
    seed, client = VECTORS[0]["server_seed"], VECTORS[0]["client_seed"]
    stream = DrawStream(seed, client, 0)
    words = [stream.draw(2**32) for _ in range(9)]  # n = 2**32 never rejects
    blocks = hmac_block(seed, client, 0, 0) + hmac_block(seed, client, 0, 1)
    expected = [int.from_bytes(blocks[i : i + 4], "big") for i in range(0, 36, 4)]
    assert words == expected
    assert stream.words_read == 9


def test_generated_seeds_have_the_published_shape():
    server_seed = generate_server_seed()
    assert re.fullmatch(r"[0-9a-f]{64}", server_seed)
    assert re.fullmatch(r"[0-9a-f]{16}", generate_client_seed())
    assert re.fullmatch(r"[0-9a-f]{64}", hash_server_seed(server_seed))
    assert generate_server_seed() != server_seed


def words(*values: int) -> list[bytes]:
    return [value.to_bytes(4, "big") for value in values]


def test_draw_rejects_words_at_the_limit_and_reads_the_next():
    # 2**32 % 37 == 7: the last 7 words would make 0..6 slightly more likely.
    limit = 2**32 - 7
    stream = DrawStream.from_blocks(words(limit, 2**32 - 1, 40))
    assert stream.draw(37) == 40 % 37
    assert stream.words_read == 3
    assert stream.draws == [3]


def test_draw_accepts_the_word_just_below_the_limit():
    limit = 2**32 - (2**32 % 37)
    stream = DrawStream.from_blocks(words(limit - 1))
    assert stream.draw(37) == (limit - 1) % 37 == 36
    assert stream.words_read == 1


def test_draw_with_a_power_of_two_never_rejects():
    stream = DrawStream.from_blocks(words(2**32 - 1, 0))
    assert stream.draw(8) == 7
    assert stream.words_read == 1


def test_words_may_straddle_blocks():
    stream = DrawStream.from_blocks([b"\x00\x00", b"\x00\x05\x00", b"\x00\x00\x09"])
    assert [stream.draw(10), stream.draw(10)] == [5, 9]


@pytest.mark.parametrize("bad_range", [0, -1, 2**32 + 1, True, 3.0])
def test_draw_refuses_impossible_ranges(bad_range):
    with pytest.raises(ValueError):
        DrawStream.from_blocks(words(1)).draw(bad_range)


def chi_square(counts: list[int], expected: float) -> float:
    return sum((count - expected) ** 2 / expected for count in counts)


@pytest.mark.parametrize("sides", [37, 6])
def test_draws_are_uniform(sides):
    # A fixed seed keeps the test deterministic; 10**5 draws still expose any
    # modulo bias or byte-order slip (a bias of 1% in one value fails it).
    samples = 100_000
    stream = DrawStream(hash_server_seed("chi-square"), "chi-square", 0)
    counts = [0] * sides
    for _ in range(samples):
        counts[stream.draw(sides)] += 1
    statistic = chi_square(counts, samples / sides)
    assert statistic < CHI_SQUARE_CRITICAL_P001[sides - 1], counts


def test_commitment_is_sha256_of_move_and_salt():
    # sha256(b"rock:pepper"), computed independently with `printf 'rock:pepper' | sha256sum`.
    expected = "f07b4a1246fe5c7ca55a7583c0af31976d2345aa881a4abfa3d13cdb51402692"
    assert commitment("rock", "pepper") == expected
    assert commitment_matches(expected, "rock", "pepper")
    assert not commitment_matches(expected, "paper", "pepper")
    assert not commitment_matches(expected, "rock", "salt")
