package io.btget.metainfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class PieceHasherTest {
    @TempDir
    Path dir;

    @Test
    void failsClearlyWhenAFileChangedSizeSinceItWasListed() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[1000]);
        for (int threads : new int[] {1, 2}) {
            assertThatThrownBy(() -> PieceHasher.hash(List.of(new PieceHasher.Source(file, 2000)), 16384, threads,
                    done -> { }))
                    .isInstanceOf(IOException.class).hasMessageContaining("changed size while hashing");
        }
    }

    @Test
    void hashesEmptyFilesBetweenOthersAsNothing() throws Exception {
        Path a = Files.write(dir.resolve("a"), new byte[] {1, 2, 3});
        Path empty = Files.write(dir.resolve("e"), new byte[0]);
        Path b = Files.write(dir.resolve("b"), new byte[] {4, 5});
        byte[] hashes = PieceHasher.hash(List.of(new PieceHasher.Source(a, 3), new PieceHasher.Source(empty, 0),
                new PieceHasher.Source(b, 2)), 4, 2, done -> { });
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        byte[] first = sha1.digest(new byte[] {1, 2, 3, 4});
        byte[] second = sha1.digest(new byte[] {5});
        assertThat(hashes).hasSize(40);
        assertThat(java.util.Arrays.copyOfRange(hashes, 0, 20)).isEqualTo(first);
        assertThat(java.util.Arrays.copyOfRange(hashes, 20, 40)).isEqualTo(second);
    }
}
