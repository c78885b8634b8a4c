package org.dysonmonitor.tls;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import java.util.Map;

/**
 * A private key from the PEM forms certificate authorities issue: PKCS#8 {@code PRIVATE KEY} (RFC 5958),
 * PKCS#1 {@code RSA PRIVATE KEY} (RFC 8017 A.1.2) and SEC1 {@code EC PRIVATE KEY} (RFC 5915). The JDK's
 * KeyFactory reads only PKCS#8, so the other two are wrapped in a PKCS#8 PrivateKeyInfo first, exactly as
 * {@code openssl pkcs8 -topk8 -nocrypt} does:
 * {@code SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING <the PKCS#1 or SEC1 bytes> }}.
 */
public final class PrivateKeys {

    static final String RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
    static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";
    private static final Map<String, String> ALGORITHMS = Map.of(
            RSA_ENCRYPTION, "RSA",
            EC_PUBLIC_KEY, "EC",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448");
    private static final List<String> KEY_LABELS =
            List.of("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY");

    private PrivateKeys() {
    }

    /**
     * The one private key among {@code blocks}; EC parameter blocks ({@code openssl ecparam -genkey}
     * writes one first) and certificates are passed over.
     */
    public static PrivateKey fromPem(List<Pem.Block> blocks) throws TlsFormatException {
        List<Pem.Block> keys = blocks.stream().filter(b -> KEY_LABELS.contains(b.label())).toList();
        if (keys.isEmpty()) {
            throw new TlsFormatException("no private key in it (expected a PEM block PRIVATE KEY, RSA PRIVATE KEY "
                    + "or EC PRIVATE KEY; found " + blocks.stream().map(Pem.Block::label).toList() + ")");
        }
        if (keys.size() > 1) {
            throw new TlsFormatException("it holds " + keys.size() + " private keys; keep only the server's");
        }
        return fromBlock(keys.get(0));
    }

    static PrivateKey fromBlock(Pem.Block block) throws TlsFormatException {
        return switch (block.label()) {
            case "PRIVATE KEY" -> pkcs8(block.der());
            case "RSA PRIVATE KEY" -> pkcs8(pkcs8FromPkcs1(block.der()));
            case "EC PRIVATE KEY" -> pkcs8(pkcs8FromSec1(block.der()));
            case "ENCRYPTED PRIVATE KEY" -> throw new TlsFormatException("the private key is encrypted; decrypt it "
                    + "first: openssl pkcs8 -in FILE -out FILE.plain (keep the plain file readable by you only)");
            default -> throw new TlsFormatException("a PEM block \"" + block.label() + "\" is not a private key");
        };
    }

    /** A PKCS#8 PrivateKeyInfo, whose AlgorithmIdentifier names the KeyFactory to use. */
    static PrivateKey pkcs8(byte[] der) throws TlsFormatException {
        DerReader info = DerReader.only(der, Der.SEQUENCE, "a PKCS#8 PrivateKeyInfo").children();
        info.next(Der.INTEGER, "the PKCS#8 version");
        String oid = info.next(Der.SEQUENCE, "the key's AlgorithmIdentifier").children().next().oid();
        String algorithm = ALGORITHMS.get(oid);
        if (algorithm == null) {
            throw new TlsFormatException("the private key's algorithm " + oid + " is not one of RSA, EC, Ed25519, Ed448");
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new TlsFormatException("the " + algorithm + " private key cannot be read: " + e.getMessage());
        }
    }

    /** RSAPrivateKey (PKCS#1) → PrivateKeyInfo with rsaEncryption and NULL parameters (RFC 8017 A.1). */
    static byte[] pkcs8FromPkcs1(byte[] pkcs1) throws TlsFormatException {
        DerReader.only(pkcs1, Der.SEQUENCE, "a PKCS#1 RSAPrivateKey");
        return Der.sequence(Der.integer(0), Der.sequence(Der.oid(RSA_ENCRYPTION), Der.nullValue()), Der.octetString(pkcs1));
    }

    /**
     * ECPrivateKey (SEC1, RFC 5915 §3) → PrivateKeyInfo with id-ecPublicKey and the named curve, which
     * RFC 5915 carries in the ECPrivateKey's {@code parameters [0]} and PKCS#8 in the AlgorithmIdentifier.
     */
    static byte[] pkcs8FromSec1(byte[] sec1) throws TlsFormatException {
        DerReader key = DerReader.only(sec1, Der.SEQUENCE, "a SEC1 ECPrivateKey").children();
        key.next(Der.INTEGER, "the ECPrivateKey version");
        key.next(Der.OCTET_STRING, "the EC private key");
        String curve = null;
        while (key.hasNext()) {
            DerReader.Element e = key.next();
            if (e.tag() == 0xa0) {
                curve = e.children().next(Der.OID, "the named curve (explicit curve parameters are not supported)").oid();
            }
        }
        if (curve == null) {
            throw new TlsFormatException("the EC private key does not name its curve (no parameters [0])");
        }
        return Der.sequence(Der.integer(0), Der.sequence(Der.oid(EC_PUBLIC_KEY), Der.oid(curve)), Der.octetString(sec1));
    }
}
