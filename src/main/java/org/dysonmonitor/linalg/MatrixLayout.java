package org.dysonmonitor.linalg;

/** How the values of an M×N matrix are laid out in a flat array. */
public enum MatrixLayout {
    /** C order: element (i, j) at {@code i * cols + j}. */
    ROW_MAJOR,
    /** Fortran order: element (i, j) at {@code j * rows + i}. */
    COLUMN_MAJOR
}
