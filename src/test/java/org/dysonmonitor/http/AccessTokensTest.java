package org.dysonmonitor.http;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token file format: scoped lines, the single-token form, comments, and refusals that never show a token. */
class AccessTokensTest {

    @Test
    void scopedLinesCommentsAndTheSingleTokenForm() {
        AccessTokens tokens = AccessTokens.parse("# jobs\ningest job-token\r\n\n  read   page-token  \nlegacy-token\n");
        assertEquals(3, tokens.size());
        assertEquals(Optional.of(AccessTokens.Scope.INGEST), tokens.scopeOf("job-token"));
        assertEquals(Optional.of(AccessTokens.Scope.READ), tokens.scopeOf("page-token"));
        assertEquals(Optional.of(AccessTokens.Scope.INGEST), tokens.scopeOf("legacy-token"), "a token alone: full access");
        assertEquals(Optional.empty(), tokens.scopeOf("page-token "));
        assertEquals(Optional.empty(), tokens.scopeOf("PAGE-TOKEN"));
        assertEquals(Optional.empty(), tokens.scopeOf(""));
        assertEquals(Optional.of(AccessTokens.Scope.INGEST), AccessTokens.single("s3cret").scopeOf("s3cret"));
    }

    @Test
    void aTokenListedWithBothScopesHasTheWiderOne() {
        AccessTokens tokens = AccessTokens.parse("ingest same\nread same\n");
        assertEquals(Optional.of(AccessTokens.Scope.INGEST), tokens.scopeOf("same"));
        assertEquals(Optional.of(AccessTokens.Scope.INGEST), AccessTokens.parse("read same\ningest same\n").scopeOf("same"));
    }

    @Test
    void scopesAllowWhatTheySay() {
        assertTrue(AccessTokens.Scope.INGEST.allows(AccessTokens.Scope.READ));
        assertTrue(AccessTokens.Scope.INGEST.allows(AccessTokens.Scope.INGEST));
        assertTrue(AccessTokens.Scope.READ.allows(AccessTokens.Scope.READ));
        assertFalse(AccessTokens.Scope.READ.allows(AccessTokens.Scope.INGEST));
    }

    @Test
    void badFilesAreRefusedNamingTheLineNeverTheToken() {
        String unknown = assertThrows(IllegalArgumentException.class, () -> AccessTokens.parse("admin topsecret")).getMessage();
        assertEquals("line 1: the scope must be ingest or read", unknown);
        String words = assertThrows(IllegalArgumentException.class,
                () -> AccessTokens.parse("# c\nread two secret words")).getMessage();
        assertEquals("line 2 has 4 words: expected SCOPE TOKEN (scope ingest or read) or a token alone", words);
        assertEquals("it holds no token", assertThrows(IllegalArgumentException.class,
                () -> AccessTokens.parse("# nothing\n\n")).getMessage());
        assertFalse(AccessTokens.parse("ingest topsecret").toString().contains("topsecret"));
        assertFalse(AccessTokens.none().required());
    }
}
