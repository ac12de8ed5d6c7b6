package io.gatehouse.internal.tls;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Splits PEM text into its blocks as Bouncy Castle's PemReader does (RFC 7468 framing): a {@code -----BEGIN TYPE-----}
 * line, base64 lines, a {@code -----END TYPE-----} line; lines outside blocks (the {@code subject=} lines some tools
 * write) are skipped, line ends may be LF or CRLF. Stricter than PemReader on purpose: text it would read differently
 * or refuse (a malformed BEGIN line, a missing END line, base64 that is not canonical) is not split at all, and the
 * caller hands the file to {@link BouncyCastlePem}, which reads or refuses it as it always has. Stateless.
 */
final class PemBlocks {

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    /**
     * One block.
     *
     * @param type       what BEGIN names, like {@code CERTIFICATE} or {@code RSA PRIVATE KEY}
     * @param hasHeaders whether it has RFC 1421 headers (an encrypted traditional key's {@code Proc-Type: 4,ENCRYPTED})
     * @param der        its decoded body
     */
    record Block(String type, boolean hasHeaders, byte[] der) {
    }

    private PemBlocks() {
    }

    /**
     * The blocks of {@code text}, in order.
     *
     * @return empty when the text is not PEM as this class reads it (never an exception)
     */
    static Optional<List<Block>> split(String text) {
        List<Block> blocks = new ArrayList<>();
        Iterator<String> lines = text.lines().iterator();
        while (lines.hasNext()) {
            String line = lines.next();
            if (!line.startsWith(BEGIN)) {
                continue;
            }
            String label = line.substring(BEGIN.length()).trim();
            if (!label.endsWith(DASHES) || label.indexOf('-') != label.length() - DASHES.length()
                    || label.length() == DASHES.length()) {
                return Optional.empty();
            }
            Optional<Block> block = body(label.substring(0, label.length() - DASHES.length()), lines);
            if (block.isEmpty()) {
                return Optional.empty();
            }
            blocks.add(block.get());
        }
        return Optional.of(blocks);
    }

    /** The block of {@code type} whose BEGIN line was just read, through its END line. */
    private static Optional<Block> body(String type, Iterator<String> lines) {
        String endLine = END + type + DASHES;
        StringBuilder base64 = new StringBuilder();
        boolean hasHeaders = false;
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.indexOf(':') >= 0) {
                hasHeaders = true;
            } else if (line.startsWith(endLine)) {
                Optional<byte[]> der = decode(base64);
                return der.isEmpty() ? Optional.empty() : Optional.of(new Block(type, hasHeaders, der.get()));
            } else {
                base64.append(line.trim());
            }
        }
        return Optional.empty();
    }

    private static Optional<byte[]> decode(CharSequence base64) {
        // Canonical only: the JDK's decoder takes a final unit without padding, which PemReader refuses.
        if (base64.length() % 4 != 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(Base64.getDecoder().decode(base64.toString()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
