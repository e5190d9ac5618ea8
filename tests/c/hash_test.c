/* Tests for kernels/hash.h: pinned known answers (a changed value renames
 * every cache file, so it must be deliberate), seed independence, alignment
 * independence and avalanche quality. */
#define _XOPEN_SOURCE 700 /* setenv (test_util.h) */
#include "kernels/hash.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

#define ALT_SEED UINT64_C(0x0123456789abcdef)

/* Input: bytes 0, 1, 2, ... (len of them). Lengths cover the empty input,
 * each tail path (1/4/8 bytes) and the 32-byte stripe loop. */
static const struct {
    size_t len;
    uint64_t seed0, seed_alt;
} KNOWN[] = {
    {0, UINT64_C(0xef46db3751d8e999), UINT64_C(0x51e24c0e9077a48c)},
    {1, UINT64_C(0xe934a84adb052768), UINT64_C(0xaffd9d6bd53cf137)},
    {3, UINT64_C(0xe5c7bb4533bc65dd), UINT64_C(0x786233c2fa006029)},
    {4, UINT64_C(0xffced8604453cc1e), UINT64_C(0x55b121e934df4f1c)},
    {7, UINT64_C(0x14cc643f630c72d2), UINT64_C(0x192e26d5e24e44f4)},
    {8, UINT64_C(0x884a173614b81b8d), UINT64_C(0x726ecd68a8b5846d)},
    {31, UINT64_C(0xc346d2b59b4d8ee1), UINT64_C(0xa11a2cdfd57310b1)},
    {32, UINT64_C(0xcbf59c5116ff32b4), UINT64_C(0xc0477f7fc098e14b)},
    {33, UINT64_C(0x0c535d1acafb8ead), UINT64_C(0x9e878be7464b55b0)},
    {63, UINT64_C(0xe26aa9e2a95f8e4f), UINT64_C(0x46b19e7af6c2ca1b)},
    {64, UINT64_C(0xf7c67301db6713f0), UINT64_C(0xa0a4e3e697d61870)},
    {100, UINT64_C(0x6ac1e58032166597), UINT64_C(0x40e8f4ec2207f62c)},
};

static void test_known_answers(void)
{
    unsigned char b[100];
    for (size_t i = 0; i < sizeof b; i++)
        b[i] = (unsigned char)i;
    for (size_t i = 0; i < sizeof KNOWN / sizeof KNOWN[0]; i++) {
        CHECK(nda_hash64(b, KNOWN[i].len, 0) == KNOWN[i].seed0);
        CHECK(nda_hash64(b, KNOWN[i].len, ALT_SEED) == KNOWN[i].seed_alt);
    }
    /* Published reference XXH64 values (seed 0). */
    CHECK(nda_hash64("", 0, 0) == UINT64_C(0xef46db3751d8e999));
    CHECK(nda_hash64(NULL, 0, 0) == UINT64_C(0xef46db3751d8e999));
    CHECK(nda_hash64("a", 1, 0) == UINT64_C(0xd24ec4f1a98c6e5b));
    CHECK(nda_hash64("abc", 3, 0) == UINT64_C(0x44bc2cf5ad770999));
    const char *spam = "Nobody inspects the spammish repetition";
    CHECK(nda_hash64(spam, strlen(spam), 0) == UINT64_C(0xfbcea83c8a378bf1));
}

static void test_hex128(void)
{
    char out[33];
    memset(out, 'X', sizeof out);
    nda_hash_hex128("abc", 3, out);
    CHECK(strcmp(out, "6ae6b92e21537664effe5168a1229647") == 0);
    nda_hash_hex128("", 0, out);
    CHECK(strcmp(out, "6873e50edae66f20b62f36e70cb93f1c") == 0);
    CHECK(strlen(out) == 32);
    /* The two halves use different seeds. */
    CHECK(memcmp(out, out + 16, 16) != 0);
}

static void test_seeds_differ(void)
{
    const char *s = "kernel key text";
    size_t n = strlen(s);
    uint64_t seen[64];
    int distinct = 1;
    for (uint64_t seed = 0; seed < 64; seed++) {
        seen[seed] = nda_hash64(s, n, seed);
        for (uint64_t j = 0; j < seed; j++)
            distinct &= seen[j] != seen[seed];
    }
    CHECK(distinct);
    CHECK(nda_hash64(s, n, 1) == nda_hash64(s, n, 1)); /* deterministic */
}

static void test_alignment_independent(void)
{
    unsigned char buf[200];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i * 37 + 11);
    uint64_t ref = nda_hash64(buf, 150, 7);
    for (size_t off = 1; off < 8; off++) {
        unsigned char moved[200];
        memcpy(moved + off, buf, 150);
        CHECK(nda_hash64(moved + off, 150, 7) == ref);
    }
}

static int popcount64(uint64_t v)
{
    int n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

/* Flipping any single input bit should flip about half of the 64 output
 * bits on average, and never leave the hash unchanged. */
static void test_avalanche(void)
{
    unsigned char buf[80];
    uint64_t state = UINT64_C(0x9E3779B97F4A7C15);
    long total_flipped = 0, trials = 0;
    int min_flipped = 64, max_flipped = 0;

    for (size_t len = 1; len <= sizeof buf; len += 3) {
        for (size_t i = 0; i < len; i++) {
            state = state * UINT64_C(6364136223846793005) + 1442695040888963407u;
            buf[i] = (unsigned char)(state >> 56);
        }
        uint64_t base = nda_hash64(buf, len, 0);
        for (size_t bit = 0; bit < len * 8; bit++) {
            buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
            int f = popcount64(base ^ nda_hash64(buf, len, 0));
            buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
            total_flipped += f;
            trials++;
            if (f < min_flipped)
                min_flipped = f;
            if (f > max_flipped)
                max_flipped = f;
        }
    }
    double mean = (double)total_flipped / (double)trials;
    printf("avalanche: %ld trials, mean %.3f bits flipped (min %d, max %d)\n", trials, mean,
           min_flipped, max_flipped);
    CHECK(mean > 31.5 && mean < 32.5);
    CHECK(min_flipped > 8);
    CHECK(max_flipped < 56);
}

int main(void)
{
    test_known_answers();
    test_hex128();
    test_seeds_differ();
    test_alignment_independent();
    test_avalanche();
    return test_summary();
}
