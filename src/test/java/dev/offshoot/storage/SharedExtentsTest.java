package dev.offshoot.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A reflink copy's own bytes are its extents without the FIEMAP "shared" flag. */
class SharedExtentsTest {

    /** filefrag -v of two files on XFS: a copy with one 8 KB write, and an untouched copy. */
    static final String OUTPUT = """
            Filesystem type is: 58465342
            File size of /s/b is 8388608 (2048 blocks of 4096 bytes)
             ext:     logical_offset:        physical_offset: length:   expected: flags:
               0:        0..      19:         40..        59:     20:             shared
               1:       20..      21:       2108..      2109:      2:         60:
               2:       22..    2047:         62..      2087:   2026:       2110: last,shared,eof
            /s/b: 3 extents found
            File size of /s/a is 8388608 (2048 blocks of 4096 bytes)
             ext:     logical_offset:        physical_offset: length:   expected: flags:
               0:        0..    2047:         40..      2087:   2048:             last,shared,eof
            /s/a: 1 extent found
            """;

    @Test
    void countsOnlyExtentsThatAreNotShared() {
        assertThat(SharedExtents.unsharedBytes(OUTPUT)).isEqualTo(2 * 4096);
    }

    @Test
    void delayedAllocationCountsAsTheFilesOwn() {
        String output = """
                File size of /s/c is 8192 (2 blocks of 4096 bytes)
                 ext:     logical_offset:        physical_offset: length:   expected: flags:
                   0:        0..       1:          0..         1:      2:             last,unknown_loc,delalloc,eof
                /s/c: 1 extent found
                """;

        assertThat(SharedExtents.unsharedBytes(output)).isEqualTo(8192);
    }

    @Test
    void anEmptyFileOwnsNothing() {
        assertThat(SharedExtents.unsharedBytes("File size of /s/e is 0 (0 blocks of 4096 bytes)\n/s/e: 0 extents found\n"))
                .isZero();
    }
}
