package org.dysonmonitor.rmt;

/**
 * The potential V(x) of a one-mode drift K(x) = −V′(x), with its first two derivatives, for the
 * Fokker–Planck picture ∂_τP = ∂_x(g²∂_x − K)P with stationary density P_s ∝ e^{−V/g²}.
 */
public interface OneModePotential {

    /** V(x), up to a constant. */
    double value(double x);

    /** V′(x) = −K(x). */
    double slope(double x);

    /** V″(x) = −K′(x). */
    double curvature(double x);
}
