package dev.kapsel.image;

import java.util.List;

/** An OCI image manifest: the config blob and the layers, bottom first. */
public record ImageManifest(Descriptor config, List<Descriptor> layers) {
    public ImageManifest {
        layers = List.copyOf(layers);
    }

    /** Bytes of the config and all layers as stored (compressed layers count compressed). */
    public long blobSize() {
        long total = config.size();
        for (Descriptor layer : layers) {
            total += layer.size();
        }
        return total;
    }
}
