package io.gatehouse.internal.tls;

import java.nio.file.Path;

/**
 * {@link PemFilesWithoutBouncyCastleTest}'s child JVM: for each pair of arguments (a cert file and a key file), prints
 * what {@link PemFiles} reads, one line each: the certificates' subjects, then the key's algorithm.
 */
final class PemFilesReader {

    private PemFilesReader() {
    }

    public static void main(String[] args) {
        for (int i = 0; i < args.length; i += 2) {
            StringBuilder line = new StringBuilder();
            PemFiles.chain(Path.of(args[i])).forEach(c -> line.append(c.getSubjectX500Principal().getName()).append(' '));
            System.out.println(line.append(PemFiles.privateKey(Path.of(args[i + 1])).getAlgorithm()));
        }
    }
}
