package org.dysonmonitor.http;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.headers.CacheControl;
import akka.http.javadsl.model.headers.CacheDirectives;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * The live page (design.md, "HTTP": {@code GET /}): a static page that draws the LayerReports of
 * {@code /api/v1/stream} with uPlot. Everything it loads comes from the jar's classpath, so it works
 * without internet access:
 * <ul>
 *   <li>{@code /}: {@code web/index.html}</li>
 *   <li>{@code /static/*}: {@code web/*} (the page's scripts, loaded by {@code index.html} in order, and
 *       its style sheet)</li>
 *   <li>{@code /vendor/uplot/*}: the {@code dist/} folder of the uPlot webjar
 *       ({@code org.webjars.npm:uplot}), e.g. {@code /vendor/uplot/uPlot.iife.min.js}</li>
 * </ul>
 * The page uses relative URLs throughout, so it also works behind a reverse proxy under a sub-path.
 */
public final class LivePage extends AllDirectives {

    /** Where the page's own files live on the classpath. */
    static final String WEB = "web";

    private static final ClassLoader CLASSPATH = LivePage.class.getClassLoader();

    /**
     * The page only talks to its own origin; uPlot sets element styles, hence {@code 'unsafe-inline'}
     * for styles (never for scripts).
     */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** Revalidate on every load (the resources carry ETag and Last-Modified), so a new jar is never stale. */
    private static final List<HttpHeader> ASSET_HEADERS = List.of(
            CacheControl.create(CacheDirectives.NO_CACHE),
            RawHeader.create("X-Content-Type-Options", "nosniff"));

    private static final List<HttpHeader> PAGE_HEADERS = List.of(
            CacheControl.create(CacheDirectives.NO_CACHE),
            RawHeader.create("X-Content-Type-Options", "nosniff"),
            RawHeader.create("Content-Security-Policy", CONTENT_SECURITY_POLICY));

    private final String uplotDist;

    private LivePage(String uplotDist) {
        this.uplotDist = uplotDist;
    }

    /**
     * The page's routes, to be passed to {@link HttpServer#start} as its static content.
     *
     * @throws IllegalStateException when the page or the uPlot webjar is missing from the classpath
     */
    public static Route route() {
        if (CLASSPATH.getResource(WEB + "/index.html") == null) {
            throw new IllegalStateException("the live page (" + WEB + "/index.html) is not on the classpath");
        }
        return new LivePage(uplotDist()).routes();
    }

    /**
     * The classpath folder of uPlot's built files, {@code META-INF/resources/webjars/uplot/<version>/dist}.
     * The version is read from the webjar's own Maven metadata, so bumping it in pom.xml needs no code change.
     */
    static String uplotDist() {
        String version = webjarVersion("org.webjars.npm", "uplot");
        return "META-INF/resources/webjars/uplot/" + version + "/dist";
    }

    private static String webjarVersion(String groupId, String artifactId) {
        String metadata = "META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
        try (InputStream in = CLASSPATH.getResourceAsStream(metadata)) {
            if (in == null) {
                throw new IllegalStateException("the webjar " + groupId + ":" + artifactId
                        + " is not on the classpath (no " + metadata + "): the live page cannot draw its charts");
            }
            Properties p = new Properties();
            p.load(in);
            String version = p.getProperty("version");
            if (version == null || version.isBlank()) {
                throw new IllegalStateException(metadata + " names no version");
            }
            return version.trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + metadata, e);
        }
    }

    private Route routes() {
        return concat(
                pathSingleSlash(() -> get(() -> respondWithHeaders(PAGE_HEADERS, () ->
                        getFromResource(WEB + "/index.html", ContentTypes.TEXT_HTML_UTF8, CLASSPATH)))),
                pathPrefix("static", () -> get(() -> respondWithHeaders(ASSET_HEADERS, () ->
                        getFromResourceDirectory(WEB, CLASSPATH)))),
                pathPrefix(PathMatchers.segment("vendor").slash("uplot"), () -> get(() ->
                        respondWithHeaders(ASSET_HEADERS, () -> getFromResourceDirectory(uplotDist, CLASSPATH)))));
    }
}
