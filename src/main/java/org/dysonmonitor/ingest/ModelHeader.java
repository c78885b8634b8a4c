package org.dysonmonitor.ingest;

import java.util.List;
import java.util.Map;

/**
 * What a whole-model body declares, read without decoding any value: its format, every array's header in
 * the order of the body, and a safetensors file's {@code __metadata__}. Everything in it has been checked
 * against the {@link ModelLimits}: names, duplicates, dtypes, shapes, element counts, sizes and offsets.
 *
 * @param format   how the body was recognised
 * @param arrays   every array, layers and the 0-D/1-D ones that decoding will skip
 * @param metadata safetensors {@code __metadata__}, empty for {@code .npz}
 */
public record ModelHeader(ModelDecoder.Format format, List<ArrayHeader> arrays, Map<String, String> metadata) {

    public ModelHeader {
        arrays = List.copyOf(arrays);
        metadata = Map.copyOf(metadata);
    }

    /** The arrays of two or more dimensions, which decoding turns into layers. */
    public List<ArrayHeader> layers() {
        return arrays.stream().filter(ArrayHeader::isLayer).toList();
    }

    /** The 0-D and 1-D arrays, which decoding skips. */
    public List<ArrayHeader> skipped() {
        return arrays.stream().filter(a -> !a.isLayer()).toList();
    }
}
