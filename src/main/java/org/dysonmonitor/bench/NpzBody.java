package org.dysonmonitor.bench;

import org.dysonmonitor.ingest.NpyEncoder;
import org.dysonmonitor.ingest.WeightMatrix;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A whole model as the body {@code np.savez} writes: a zip archive of one stored (uncompressed)
 * entry {@code <name>.npy} per array, in the given order.
 */
final class NpzBody {

    private NpzBody() {
    }

    static byte[] encode(Map<String, WeightMatrix> layers) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, WeightMatrix> layer : layers.entrySet()) {
                byte[] npy = NpyEncoder.encode(layer.getValue());
                ZipEntry entry = new ZipEntry(layer.getKey() + ".npy");
                // A stored entry must carry its size and CRC before its data.
                CRC32 crc = new CRC32();
                crc.update(npy);
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(npy.length);
                entry.setCompressedSize(npy.length);
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(npy);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return bytes.toByteArray();
    }
}
