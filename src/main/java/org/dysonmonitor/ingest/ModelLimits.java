package org.dysonmonitor.ingest;

/**
 * What a whole-model body ({@code .npz} or safetensors) may ask of the decoder, so that memory stays
 * bounded whatever a client sends. Every limit is checked from the headers, before any value is decoded or
 * any byte inflated.
 *
 * @param maxEntries          most arrays in one model (zip entries or safetensors tensors)
 * @param maxHeaderBytes      longest safetensors JSON header, and longest zip central directory
 * @param maxTotalElements    most elements over all layers of a model (skipped arrays are not decoded and
 *                            do not count)
 * @param maxElementsPerArray most elements of one array, at most {@link NpyDecoder#MAX_ELEMENTS_LIMIT}
 * @param maxInflatedBytes    most bytes inflated from the deflated entries of one {@code .npz}
 * @param maxCompressionRatio largest declared (inflated size / compressed size) of one deflated entry;
 *                            deflate itself cannot exceed about 1032, which an all-zero array reaches
 */
public record ModelLimits(int maxEntries, long maxHeaderBytes, long maxTotalElements, long maxElementsPerArray,
        long maxInflatedBytes, double maxCompressionRatio) {

    /**
     * 4096 arrays, a 16 MiB header, 2<sup>28</sup> elements (1 GiB of float32) in all, 2<sup>26</sup> per
     * array (8192 × 8192), 1 GiB inflated, and a ratio of 1100, above what deflate can reach.
     */
    public static final ModelLimits DEFAULT =
            new ModelLimits(4096, 16L << 20, 1L << 28, 1L << 26, 1L << 30, 1100);

    /** @throws IllegalArgumentException if a limit is below 1 or the per-array limit above the JVM's */
    public ModelLimits {
        if (maxEntries < 1 || maxHeaderBytes < 1 || maxTotalElements < 1 || maxElementsPerArray < 1
                || maxInflatedBytes < 1 || !(maxCompressionRatio >= 1)) {
            throw new IllegalArgumentException("every model limit must be at least 1");
        }
        if (maxElementsPerArray > NpyDecoder.MAX_ELEMENTS_LIMIT) {
            throw new IllegalArgumentException("maxElementsPerArray must be at most " + NpyDecoder.MAX_ELEMENTS_LIMIT);
        }
    }

    /** These limits with another per-array and total element limit, e.g. the service's layer cap. */
    public ModelLimits withElements(long perArray, long total) {
        return new ModelLimits(maxEntries, maxHeaderBytes, total, perArray, maxInflatedBytes, maxCompressionRatio);
    }
}
