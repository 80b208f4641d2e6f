package io.btget.tracker;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Undoes the content codings of an HTTP reply (RFC 9110 section 8.4): {@code gzip} (and its alias {@code x-gzip})
 * and {@code deflate}, the two we ask for with {@code Accept-Encoding}. Every decoded body is bounded by the same
 * limit as the raw reply, so a small compressed bomb fails with "larger than" instead of filling memory.
 */
final class ContentCodings {
    static final String ACCEPT_ENCODING = "gzip, deflate";
    /** More stacked codings than any server applies; a longer list is refused rather than decoded. */
    private static final int MAX_CODINGS = 4;

    private ContentCodings() {
    }

    /**
     * @param headerValues the {@code Content-Encoding} header values, in order (codings are listed in the order
     *                     they were applied, so they are undone from the last)
     * @param max          the largest decoded body accepted, in bytes
     * @throws TrackerException for an unknown coding, a corrupt stream, or a body that decodes past {@code max}
     */
    static byte[] decode(byte[] body, List<String> headerValues, int max) throws TrackerException {
        List<String> codings = new ArrayList<>();
        for (String value : headerValues) {
            for (String c : value.split(",")) {
                String coding = c.trim().toLowerCase(Locale.ROOT);
                if (!coding.isEmpty() && !coding.equals("identity")) {
                    codings.add(coding);
                }
            }
        }
        if (codings.size() > MAX_CODINGS) {
            throw new TrackerException("reply has " + codings.size() + " content codings");
        }
        byte[] data = body;
        for (int i = codings.size() - 1; i >= 0; i--) {
            String coding = codings.get(i);
            switch (coding) {
                case "gzip", "x-gzip" -> data = gunzip(data, max);
                case "deflate" -> data = inflate(data, max);
                default -> throw new TrackerException("reply has unsupported content coding '"
                        + TrackerException.printable(coding, 40) + "'");
            }
        }
        // A reply gzipped without saying so (a misconfigured proxy): bencode never starts with 0x1f 0x8b.
        if (codings.isEmpty() && data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b) {
            data = gunzip(data, max);
        }
        return data;
    }

    private static byte[] gunzip(byte[] data, int max) throws TrackerException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return readBounded(in, max, "gzip");
        } catch (IOException e) {
            throw new TrackerException("reply is not valid gzip (" + e.getMessage() + ")", e);
        }
    }

    /**
     * RFC 9110 {@code deflate} is a zlib stream, but some servers send raw deflate data; a zlib header (RFC 1950:
     * method 8, header checksum a multiple of 31) tells them apart.
     */
    private static byte[] inflate(byte[] data, int max) throws TrackerException {
        boolean zlib = data.length >= 2 && (data[0] & 0x0f) == 8 && (((data[0] & 0xff) << 8) | (data[1] & 0xff)) % 31 == 0;
        Inflater inflater = new Inflater(!zlib);
        try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(data), inflater)) {
            return readBounded(in, max, "deflate");
        } catch (IOException e) {
            throw new TrackerException("reply is not valid deflate data (" + e.getMessage() + ")", e);
        } finally {
            inflater.end();
        }
    }

    private static byte[] readBounded(InputStream in, int max, String coding) throws IOException, TrackerException {
        byte[] out = in.readNBytes(max + 1);
        if (out.length > max) {
            throw new TrackerException("reply larger than " + max + " bytes after " + coding + " decoding");
        }
        return out;
    }
}
