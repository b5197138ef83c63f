package dev.kapsel.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.image.Digest;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Docker's normalisation (distribution/reference's ParseNormalizedNamed), case by case and as properties. */
class ReferenceTest {
    static final String HEX = "a".repeat(64);

    private static Reference parse(String s) throws InvalidReferenceException {
        return Reference.parse(s);
    }

    @Example
    void aBareNameIsAnOfficialDockerHubImageAtLatest() throws Exception {
        Reference r = parse("busybox");
        assertEquals(new Reference("docker.io", "library/busybox", "latest", null), r);
        assertEquals("docker.io/library/busybox:latest", r.toString());
        assertEquals("busybox:latest", r.familiar());
    }

    @Example
    void userRepositoriesOnDockerHubKeepTheirPath() throws Exception {
        Reference r = parse("user/app:1.2");
        assertEquals(new Reference("docker.io", "user/app", "1.2", null), r);
        assertEquals("user/app:1.2", r.familiar());
        assertEquals(r, parse("docker.io/user/app:1.2"));
        assertEquals(r, parse("index.docker.io/user/app:1.2"));
        assertEquals(parse("busybox"), parse("docker.io/library/busybox"));
    }

    @Example
    void aFirstPartWithADotColonOrLocalhostIsARegistry() throws Exception {
        assertEquals(new Reference("127.0.0.1:5000", "a/b", "v1", null), parse("127.0.0.1:5000/a/b:v1"));
        assertEquals(new Reference("localhost", "img", "latest", null), parse("localhost/img"));
        assertEquals(new Reference("quay.io", "org/x", "latest", null), parse("quay.io/org/x"));
        assertEquals(new Reference("Registry", "x", "latest", null), parse("Registry/x"));
        assertEquals(new Reference("[::1]:5000", "x", "t", null), parse("[::1]:5000/x:t"));
        assertEquals("127.0.0.1:5000/a/b:v1", parse("127.0.0.1:5000/a/b:v1").familiar());
        // Without a slash, localhost:5000 is Docker Hub's library/localhost at tag 5000, as Docker reads it.
        assertEquals(new Reference("docker.io", "library/localhost", "5000", null), parse("localhost:5000"));
    }

    @Example
    void digestsAloneOrAfterATag() throws Exception {
        Reference byDigest = parse("busybox@sha256:" + HEX);
        assertNull(byDigest.tag());
        assertEquals(new Digest(HEX), byDigest.digest());
        assertEquals("sha256:" + HEX, byDigest.manifestReference());
        assertEquals("busybox@sha256:" + HEX, byDigest.familiar());
        Reference both = parse("host:5000/x:v2@sha256:" + HEX);
        assertEquals(new Reference("host:5000", "x", "v2", new Digest(HEX)), both);
        assertEquals("sha256:" + HEX, both.manifestReference(), "the digest wins over the tag");
        assertEquals("v2", parse("host:5000/x:v2").manifestReference());
    }

    @Example
    void badReferencesAreRefusedNamingThemAndTheProblem() {
        record Bad(String text, String problem) {}
        for (Bad b : new Bad[] {
            new Bad("", "empty"),
            new Bad("Busybox", "lowercase"),
            new Bad("host:5000/Repo", "lowercase"),
            new Bad("busybox:", "bad tag"),
            new Bad("busybox:-x", "bad tag"),
            new Bad("busybox:" + "t".repeat(129), "bad tag"),
            new Bad("a//b", "empty path component"),
            new Bad("a/b_/c", "bad path component"),
            new Bad("a/-b", "bad path component"),
            new Bad("busybox@sha256:abc", "bad sha256 digest"),
            new Bad("busybox@md5:" + HEX, "unsupported digest algorithm 'md5'"),
            new Bad("busybox@" + HEX, "algorithm:hex"),
            new Bad(HEX, "image ID"),
            new Bad("-host.io/x", "bad registry host"),
            new Bad(":tag", "no repository"),
            new Bad("x/" + "a".repeat(255), "longer than 255"),
        }) {
            InvalidReferenceException e = assertThrows(InvalidReferenceException.class, () -> parse(b.text), b.text);
            assertTrue(e.getMessage().startsWith("invalid image reference '" + b.text + "'"), e.getMessage());
            assertTrue(e.getMessage().contains(b.problem), e.getMessage() + " should say " + b.problem);
        }
    }

    @Provide
    Arbitrary<String> components() {
        Arbitrary<String> alnum = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofMinLength(1).ofMaxLength(6);
        Arbitrary<String> sep = Arbitraries.of(".", "_", "__", "-", "--");
        return Combinators.combine(alnum, sep, alnum, Arbitraries.integers().between(0, 1))
                .as((a, s, b, two) -> two == 0 ? a : a + s + b);
    }

    @Provide
    Arbitrary<String> tags() {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9').withChars('_', '.', '-')
                .ofMinLength(0).ofMaxLength(20).map(s -> "v" + s);
    }

    @Property(tries = 500)
    void familiarAndCanonicalFormsParseBackToTheSameReference(@ForAll("components") String a, @ForAll("components") String b,
            @ForAll("tags") String tag, @ForAll boolean onHub, @ForAll boolean nested) throws Exception {
        // A first component with a dot is a registry host, as in Docker: not a Docker Hub path.
        Assume.that(!(onHub && nested && a.contains(".")));
        String path = nested ? a + "/" + b : a;
        String text = (onHub ? "" : "registry.example:5000/") + path + ":" + tag;
        Reference r = parse(text);
        assertEquals(tag, r.tag());
        assertEquals(onHub ? "docker.io" : "registry.example:5000", r.registry());
        assertEquals(onHub && !nested ? "library/" + path : path, r.repository());
        assertEquals(r, parse(r.toString()));
        assertEquals(r, parse(r.familiar()));
        assertEquals(text, r.familiar());
    }

    @Property(tries = 1000)
    void anyStringEitherParsesOrFailsWithOneNamedError(@ForAll String text) {
        try {
            Reference r = parse(text);
            assertEquals(r, parse(r.toString()));
        } catch (InvalidReferenceException e) {
            assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        }
    }
}
