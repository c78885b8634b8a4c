package org.dysonmonitor.ingest;

/**
 * The element type of one array in a snapshot body. Only the four floating-point types can be decoded into
 * a {@link WeightMatrix}; the integer and boolean types are recognised so that a 0-D or 1-D array of them
 * (PyTorch's {@code num_batches_tracked}, a step counter) can be listed as skipped instead of failing the
 * whole model, while a 2-D one is rejected as {@link NpyFormatException.Reason#UNSUPPORTED_DTYPE}.
 */
public enum ElementType {
    /** IEEE 754 binary16, widened exactly to float32. */
    FLOAT16("float16", 2, true),
    /** bfloat16, the upper 16 bits of a float32, widened exactly to float32. */
    BFLOAT16("bfloat16", 2, true),
    /** IEEE 754 binary32, kept as float32. */
    FLOAT32("float32", 4, true),
    /** IEEE 754 binary64, kept as float64. */
    FLOAT64("float64", 8, true),
    BOOL("bool", 1, false),
    INT8("int8", 1, false),
    UINT8("uint8", 1, false),
    INT16("int16", 2, false),
    UINT16("uint16", 2, false),
    INT32("int32", 4, false),
    UINT32("uint32", 4, false),
    INT64("int64", 8, false),
    UINT64("uint64", 8, false);

    private final String typeName;
    private final int itemSize;
    private final boolean floating;

    ElementType(String typeName, int itemSize, boolean floating) {
        this.typeName = typeName;
        this.itemSize = itemSize;
        this.floating = floating;
    }

    /** numpy's name of the type, e.g. {@code "bfloat16"}, as used in messages. */
    public String typeName() {
        return typeName;
    }

    /** Bytes per element. */
    public int itemSize() {
        return itemSize;
    }

    /** Whether arrays of this type can be decoded into a {@link WeightMatrix}. */
    public boolean floating() {
        return floating;
    }

    /** Whether the decoded values are stored as float32 (every floating type but float64). */
    public boolean decodesToFloat32() {
        return floating && this != FLOAT64;
    }
}
