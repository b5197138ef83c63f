package dev.kapsel.image;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Image indexes, manifests and configs from a registry or an archive: any bytes parse into the typed
 * document or fail with {@link MalformedImageException}, never another exception.
 */
class ImageDocumentFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void anyDocumentIsParsedOrMalformed(FuzzedDataProvider data) {
        int kind = data.consumeInt(0, 2);
        byte[] document = data.consumeRemainingAsBytes();
        try {
            switch (kind) {
                case 0 -> OciJson.indexManifests(document, "fuzz index");
                case 1 -> OciJson.manifest(document, "fuzz manifest");
                default -> OciJson.config(document, "fuzz config");
            }
        } catch (MalformedImageException expected) {
            // a defined refusal
        }
    }
}
