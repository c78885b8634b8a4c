package org.dysonmonitor.ingest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import org.dysonmonitor.ingest.NpyFormatException.Reason;

/**
 * An {@code .npz} body: a zip archive ({@link ZipDirectory}) whose entries {@code key.npy} are NPY files, as
 * {@code np.savez} (stored) and {@code np.savez_compressed} (deflate) write them. Opening it reads the
 * directory and each entry's NPY header only, inflating no more than the header of a deflated entry;
 * {@link #decode(int)} then reads one array's values.
 *
 * <p>Zip bombs: a deflated entry's declared inflated size is checked against the ratio and total limits
 * before anything is inflated, must equal its NPY header plus data exactly, and inflation stops at that
 * size, so a stream that would expand further is refused after producing no more than it declared.
 */
final class NpzArchive implements ModelBody {

    private static final String SUFFIX = ".npy";

    /** The longest NPY preamble and header: a deflated entry's admission inflates no more than this. */
    private static final int MAX_PREAMBLE = 12 + NpyDecoder.MAX_HEADER_BYTES;

    private record Item(ZipDirectory.Entry entry, NpyHeader npy, int dataStart) {
    }

    private final ByteBuffer in;
    private final List<ArrayHeader> headers = new ArrayList<>();
    private final List<Item> items = new ArrayList<>();

    private NpzArchive(ByteBuffer in) {
        this.in = in;
    }

    /**
     * Reads and checks the directory and every entry's header.
     *
     * @param in the archive from index 0, little-endian
     */
    static NpzArchive open(ByteBuffer in, ModelLimits limits) throws NpyFormatException {
        NpzArchive archive = new NpzArchive(in);
        Set<String> names = new HashSet<>();
        long inflated = 0;
        long maxElements = Math.min(limits.maxElementsPerArray(), NpyDecoder.MAX_ELEMENTS_LIMIT);
        for (ZipDirectory.Entry entry : ZipDirectory.read(in, limits)) {
            String key = key(entry.name());
            if (!names.add(key)) {
                throw new NpyFormatException(Reason.DUPLICATE_NAME, "two arrays are named '" + key + "'");
            }
            if (entry.deflated()) {
                checkCompression(entry, key, limits);
                inflated += entry.size();
                if (inflated > limits.maxInflatedBytes()) {
                    throw new NpyFormatException(Reason.ZIP_BOMB, "array '" + key + "': the deflated entries "
                            + "inflate to more than the limit of " + limits.maxInflatedBytes() + " bytes");
                }
            }
            ByteBuffer prefix = entry.deflated() ? inflateHeader(archive.compressed(entry), entry.size(), key)
                    : archive.stored(entry);
            int available = (int) Math.min(prefix.limit(), entry.size());
            if (!NpyDecoder.hasMagic(prefix, available)) {
                throw new NpyFormatException(Reason.BAD_MAGIC, "array '" + key + "': zip entry " + entry.name()
                        + " is not an NPY file (it must start with \\x93NUMPY, as np.save writes)");
            }
            NpyHeader npy;
            NpyDecoder.Preamble preamble;
            try {
                preamble = NpyDecoder.preamble(prefix, available);
                npy = NpyHeader.parseArray(preamble.headerText(), maxElements);
            } catch (NpyFormatException e) {
                throw new NpyFormatException(e.reason(), "array '" + key + "': " + e.getMessage());
            }
            long dataBytes = entry.size() - preamble.dataStart();
            if (dataBytes != npy.dataBytes()) {
                NpyFormatException e = NpyDecoder.sizeMismatch(npy, dataBytes);
                throw new NpyFormatException(e.reason(), "array '" + key + "': " + e.getMessage());
            }
            archive.headers.add(new ArrayHeader(key, npy.shape(), npy.type(), npy.dataBytes()));
            archive.items.add(new Item(entry, npy, preamble.dataStart()));
        }
        return archive;
    }

    @Override
    public ModelDecoder.Format format() {
        return ModelDecoder.Format.NPZ;
    }

    @Override
    public List<ArrayHeader> arrays() {
        return headers;
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of();
    }

    /** Reads the values of array {@code index}, a layer, checking the entry's CRC-32 on the way. */
    @Override
    public WeightMatrix decode(int index) throws NpyFormatException {
        Item item = items.get(index);
        String key = headers.get(index).name();
        ZipDirectory.Entry entry = item.entry();
        ByteBuffer bytes = entry.deflated()
                ? inflate(compressed(entry), (int) entry.size(), key)
                : stored(entry);
        CRC32 crc = new CRC32();
        crc.update(bytes.duplicate());
        if (crc.getValue() != entry.crc()) {
            throw new NpyFormatException(Reason.BAD_ARCHIVE, "array '" + key + "': zip entry " + entry.name()
                    + " fails its CRC-32 check (corrupt or truncated upload?)");
        }
        NpyHeader npy = item.npy();
        ByteBuffer data = bytes.slice(item.dataStart(), (int) npy.dataBytes());
        return MatrixReader.read(key, data, npy.type(), npy.dtype().order(), npy.fortranOrder(), npy.shape());
    }

    /** The array name of an entry {@code key.npy}. */
    private static String key(String entryName) throws NpyFormatException {
        if (!entryName.endsWith(SUFFIX)) {
            throw new NpyFormatException(Reason.BAD_NAME, "zip entry " + new PyLiteral.Str(entryName).briefRepr()
                    + " is not called name.npy, as np.savez names its arrays");
        }
        String key = entryName.substring(0, entryName.length() - SUFFIX.length());
        ArrayNames.check(key);
        return key;
    }

    private static void checkCompression(ZipDirectory.Entry entry, String key, ModelLimits limits)
            throws NpyFormatException {
        if (entry.size() > Math.min(limits.maxInflatedBytes(), NpyDecoder.MAX_ELEMENTS_LIMIT)) {
            throw new NpyFormatException(Reason.ZIP_BOMB, "array '" + key + "': entry inflates to "
                    + entry.size() + " bytes, more than the limit of " + limits.maxInflatedBytes());
        }
        double ratio = (double) entry.size() / Math.max(1, entry.compressedSize());
        if (ratio > limits.maxCompressionRatio()) {
            throw new NpyFormatException(Reason.ZIP_BOMB, "array '" + key + "': " + entry.compressedSize()
                    + " compressed bytes claim to inflate to " + entry.size() + ", a ratio above the limit of "
                    + limits.maxCompressionRatio());
        }
    }

    private ByteBuffer stored(ZipDirectory.Entry entry) {
        return in.slice(entry.dataStart(), (int) entry.compressedSize()).order(ByteOrder.LITTLE_ENDIAN);
    }

    private ByteBuffer compressed(ZipDirectory.Entry entry) {
        return in.slice(entry.dataStart(), (int) entry.compressedSize());
    }

    /**
     * Inflates no more of an entry than its NPY preamble and header: first the 12 bytes that hold the
     * header length, then the header, at most {@value #MAX_PREAMBLE} bytes in all. The result may be
     * shorter if the entry is; the preamble parser then reports what is missing.
     */
    private static ByteBuffer inflateHeader(ByteBuffer compressed, long size, String key) throws NpyFormatException {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(compressed);
            byte[] out = new byte[(int) Math.min(size, MAX_PREAMBLE)];
            int produced = inflateInto(inflater, out, 0, Math.min(out.length, 12), key);
            ByteBuffer head = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
            if (produced >= 12 && NpyDecoder.hasMagic(head, produced)) {
                long headerLength = out[6] == 1 ? head.getShort(8) & 0xffffL : head.getInt(8) & 0xffff_ffffL;
                long preamble = out[6] == 1 ? 10 : 12;
                int wanted = (int) Math.min(out.length, preamble + headerLength);
                produced += inflateInto(inflater, out, produced, wanted - produced, key);
            }
            return ByteBuffer.wrap(out, 0, produced).slice().order(ByteOrder.LITTLE_ENDIAN);
        } catch (DataFormatException e) {
            throw corrupt(key);
        } finally {
            inflater.end();
        }
    }

    /**
     * Inflates a whole entry into a new array of exactly {@code length} bytes, refusing a stream that ends
     * earlier or would produce more.
     */
    private static ByteBuffer inflate(ByteBuffer compressed, int length, String key) throws NpyFormatException {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(compressed);
            byte[] out = new byte[length];
            int produced = inflateInto(inflater, out, 0, length, key);
            if (!inflater.finished() && inflater.inflate(new byte[1]) > 0) {
                throw new NpyFormatException(Reason.ZIP_BOMB, "array '" + key
                        + "': entry inflates beyond the " + length + " bytes it declares");
            }
            if (produced < length) {
                throw new NpyFormatException(Reason.BAD_ARCHIVE, "array '" + key + "': entry inflates to "
                        + produced + " bytes, fewer than the " + length + " it declares");
            }
            return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        } catch (DataFormatException e) {
            throw corrupt(key);
        } finally {
            inflater.end();
        }
    }

    /** Inflates up to {@code length} bytes into {@code out} from {@code offset}; fewer only if the stream ends. */
    private static int inflateInto(Inflater inflater, byte[] out, int offset, int length, String key)
            throws DataFormatException, NpyFormatException {
        int produced = 0;
        while (produced < length && !inflater.finished()) {
            int n = inflater.inflate(out, offset + produced, length - produced);
            if (n == 0 && !inflater.finished()) {
                throw new NpyFormatException(Reason.BAD_ARCHIVE, "array '" + key
                        + "': deflate stream ends early (truncated upload?)");
            }
            produced += n;
        }
        return produced;
    }

    private static NpyFormatException corrupt(String key) {
        return new NpyFormatException(Reason.BAD_ARCHIVE, "array '" + key + "': corrupt deflate stream");
    }
}
