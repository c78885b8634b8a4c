package org.dysonmonitor.ingest;

import java.util.List;
import java.util.Map;

/** A whole-model body whose headers have been read and checked, from which each layer can be decoded. */
interface ModelBody {

    ModelDecoder.Format format();

    /** Every array, in the order of the body. */
    List<ArrayHeader> arrays();

    /** safetensors {@code __metadata__}, or empty. */
    Map<String, String> metadata();

    /** The values of array {@code index} of {@link #arrays()}, which must be a layer. */
    WeightMatrix decode(int index) throws NpyFormatException;
}
