package org.dysonmonitor.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.dysonmonitor.ingest.NpyFormatException.Reason;

/**
 * The central directory of a zip archive held in a buffer, as {@code np.savez} and
 * {@code np.savez_compressed} write it (Python's {@code zipfile}, APPNOTE 6.3): the end-of-central-directory
 * record at the end, its zip64 variant when a locator precedes it, one central header per entry, and each
 * entry's local header, whose only use here is to find where the entry's data starts.
 *
 * <p>Sizes come from the central directory (numpy's entries carry zip64 extras in the local header
 * because it forces zip64; the central header has the real sizes, in a zip64 extra when they exceed 32
 * bits). Every offset and length is read as an unsigned long and checked against the buffer before use,
 * so no crafted value can wrap around or index outside it; entries must lie before the directory and must
 * not overlap (overlapping entries are how the densest zip bombs are built).
 */
final class ZipDirectory {

    /** One entry: name, compression method (0 stored, 8 deflate), CRC-32, sizes and where its data is. */
    record Entry(String name, int method, long crc, long compressedSize, long size, int dataStart) {
        boolean deflated() {
            return method == DEFLATE;
        }
    }

    static final int STORED = 0;
    static final int DEFLATE = 8;

    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int END_RECORD = 0x06054b50;
    private static final int ZIP64_END_RECORD = 0x06064b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int END_RECORD_SIZE = 22;
    private static final int CENTRAL_HEADER_SIZE = 46;
    private static final int LOCAL_HEADER_SIZE = 30;
    private static final long U16_MAX = 0xffff;
    private static final long U32_MAX = 0xffff_ffffL;

    private ZipDirectory() {
    }

    /**
     * Reads the directory.
     *
     * @param in     the archive from index 0, little-endian
     * @param limits entry count and directory size limits
     */
    static List<Entry> read(ByteBuffer in, ModelLimits limits) throws NpyFormatException {
        int length = in.limit();
        int end = findEndRecord(in, length);
        if (u16(in, end + 4) != 0 || u16(in, end + 6) != 0) {
            throw new NpyFormatException(Reason.UNSUPPORTED_ARCHIVE, "zip archive spans several disks");
        }
        long count = u16(in, end + 10);
        long directorySize = u32(in, end + 12);
        long directoryOffset = u32(in, end + 16);
        if (end >= 20 && in.getInt(end - 20) == ZIP64_LOCATOR) {
            long record = in.getLong(end - 12);
            if (record < 0 || record > end - 20 - 56 || in.getInt((int) record) != ZIP64_END_RECORD) {
                throw bad("zip64 end-of-directory locator points outside the archive");
            }
            int r = (int) record;
            count = in.getLong(r + 32);
            directorySize = in.getLong(r + 40);
            directoryOffset = in.getLong(r + 48);
        }
        if (count < 0 || count > limits.maxEntries()) {
            throw new NpyFormatException(Reason.TOO_MANY_ENTRIES, "zip archive declares "
                    + Long.toUnsignedString(count) + " entries, more than the limit of " + limits.maxEntries());
        }
        if (directorySize < 0 || directorySize > limits.maxHeaderBytes()) {
            throw new NpyFormatException(Reason.TOO_LARGE, "zip central directory declares "
                    + Long.toUnsignedString(directorySize) + " bytes, more than the limit of " + limits.maxHeaderBytes());
        }
        if (directoryOffset < 0 || directoryOffset > end || directorySize > end - directoryOffset) {
            throw bad("zip central directory lies outside the archive (truncated upload?)");
        }
        List<Entry> entries = new ArrayList<>((int) count);
        int p = (int) directoryOffset;
        int directoryEnd = (int) (directoryOffset + directorySize);
        for (long i = 0; i < count; i++) {
            if (p > directoryEnd - CENTRAL_HEADER_SIZE || in.getInt(p) != CENTRAL_HEADER) {
                throw bad("zip central directory is corrupt at entry " + i);
            }
            int nameLength = u16(in, p + 28);
            int extraLength = u16(in, p + 30);
            int commentLength = u16(in, p + 32);
            long next = (long) p + CENTRAL_HEADER_SIZE + nameLength + extraLength + commentLength;
            if (next > directoryEnd) {
                throw bad("zip central directory is corrupt at entry " + i);
            }
            entries.add(entry(in, p, nameLength, extraLength, (int) directoryOffset));
            p = (int) next;
        }
        checkNoOverlap(entries, (int) directoryOffset);
        return entries;
    }

    /**
     * The end-of-central-directory record: 22 bytes plus a comment of at most 65535, so it is searched for
     * backwards within the last 65557 bytes, and accepted only where its comment length reaches exactly
     * to the end (a stray signature inside data or comment does not).
     */
    private static int findEndRecord(ByteBuffer in, int length) throws NpyFormatException {
        int lowest = Math.max(0, length - END_RECORD_SIZE - (int) U16_MAX);
        for (int p = length - END_RECORD_SIZE; p >= lowest; p--) {
            if (in.getInt(p) == END_RECORD && p + END_RECORD_SIZE + u16(in, p + 20) == length) {
                return p;
            }
        }
        throw bad("zip archive has no end-of-central-directory record (truncated upload?)");
    }

    private static Entry entry(ByteBuffer in, int p, int nameLength, int extraLength, int directoryOffset)
            throws NpyFormatException {
        String name = new String(bytes(in, p + CENTRAL_HEADER_SIZE, nameLength), StandardCharsets.ISO_8859_1);
        String quoted = new PyLiteral.Str(name).briefRepr();
        int flags = u16(in, p + 8);
        int method = u16(in, p + 10);
        if ((flags & 1) != 0) {
            throw new NpyFormatException(Reason.UNSUPPORTED_ARCHIVE, "zip entry " + quoted + " is encrypted");
        }
        if (method != STORED && method != DEFLATE) {
            throw new NpyFormatException(Reason.UNSUPPORTED_ARCHIVE, "zip entry " + quoted
                    + " uses compression method " + method + ": use np.savez or np.savez_compressed (stored or deflate)");
        }
        long crc = u32(in, p + 16);
        long compressed = u32(in, p + 20);
        long size = u32(in, p + 24);
        long disk = u16(in, p + 34);
        long offset = u32(in, p + 42);
        // The zip64 extra holds, in this order, only the fields whose 32-bit (16-bit for disk) value is all ones.
        int extra = p + CENTRAL_HEADER_SIZE + nameLength;
        int extraEnd = extra + extraLength;
        while (extra <= extraEnd - 4) {
            int id = u16(in, extra);
            int length = u16(in, extra + 2);
            int q = extra + 4;
            if (length > extraEnd - q) {
                throw bad("zip entry " + quoted + " has a corrupt extra field");
            }
            if (id == 1) {
                int fieldEnd = q + length;
                if (size == U32_MAX) {
                    size = zip64Field(in, q, fieldEnd, quoted);
                    q += 8;
                }
                if (compressed == U32_MAX) {
                    compressed = zip64Field(in, q, fieldEnd, quoted);
                    q += 8;
                }
                if (offset == U32_MAX) {
                    offset = zip64Field(in, q, fieldEnd, quoted);
                    q += 8;
                }
                if (disk == U16_MAX) {
                    disk = q <= fieldEnd - 4 ? u32(in, q) : -1;
                }
            }
            extra += 4 + length;
        }
        if (disk != 0) {
            throw new NpyFormatException(Reason.UNSUPPORTED_ARCHIVE, "zip entry " + quoted + " is on another disk");
        }
        if (offset < 0 || offset > directoryOffset - LOCAL_HEADER_SIZE || in.getInt((int) offset) != LOCAL_HEADER) {
            throw bad("zip entry " + quoted + " has no local header where the directory says");
        }
        int local = (int) offset;
        int localName = u16(in, local + 26);
        int localExtra = u16(in, local + 28);
        long dataStart = (long) local + LOCAL_HEADER_SIZE + localName + localExtra;
        if (localName != nameLength || dataStart > directoryOffset
                || !name.equals(new String(bytes(in, local + LOCAL_HEADER_SIZE, localName), StandardCharsets.ISO_8859_1))) {
            throw bad("zip entry " + quoted + " has a local header that does not match the directory");
        }
        if (compressed < 0 || compressed > directoryOffset - dataStart) {
            throw bad("zip entry " + quoted + " extends past the start of the central directory (truncated upload?)");
        }
        if (size < 0 || method == STORED && size != compressed) {
            throw bad("zip entry " + quoted + " is stored but declares different compressed and inflated sizes");
        }
        return new Entry(name, method, crc, compressed, size, (int) dataStart);
    }

    private static long zip64Field(ByteBuffer in, int q, int fieldEnd, String quoted) throws NpyFormatException {
        if (q > fieldEnd - 8) {
            throw bad("zip entry " + quoted + " has a zip64 extra field that is too short");
        }
        return in.getLong(q);
    }

    /** Entries sorted by position may not reach into the next one's local header. */
    private static void checkNoOverlap(List<Entry> entries, int directoryOffset) throws NpyFormatException {
        List<Entry> byPosition = new ArrayList<>(entries);
        byPosition.sort(Comparator.comparingInt(Entry::dataStart));
        for (int i = 1; i < byPosition.size(); i++) {
            Entry previous = byPosition.get(i - 1);
            Entry entry = byPosition.get(i);
            // The next entry's local header starts at least LOCAL_HEADER_SIZE + its name before its data.
            long previousEnd = previous.dataStart() + previous.compressedSize();
            if (previousEnd > entry.dataStart() - LOCAL_HEADER_SIZE - entry.name().length()) {
                throw bad("zip entries " + new PyLiteral.Str(previous.name()).briefRepr() + " and "
                        + new PyLiteral.Str(entry.name()).briefRepr() + " overlap");
            }
        }
    }

    private static byte[] bytes(ByteBuffer in, int start, int length) {
        byte[] b = new byte[length];
        in.get(start, b);
        return b;
    }

    private static int u16(ByteBuffer in, int p) {
        return in.getShort(p) & 0xffff;
    }

    private static long u32(ByteBuffer in, int p) {
        return in.getInt(p) & U32_MAX;
    }

    private static NpyFormatException bad(String what) {
        return new NpyFormatException(Reason.BAD_ARCHIVE, what);
    }
}
