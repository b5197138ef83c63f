package dev.kapsel.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The request and response bodies of Firecracker's API, one record per definition of
 * {@code docs/api/firecracker.yaml} that kapsel reads or writes, named as there. Fields are
 * snake_case on the wire ({@link ApiJson}); a field the definition marks required is required here;
 * one it does not define is refused. Nested objects kapsel does not act on (rate limiters, memory
 * backends, overrides) are kept as JSON so that their presence can be answered with a clear refusal.
 */
public final class ApiModel {
    private ApiModel() {}

    public record BootSource(@JsonProperty(required = true) String kernelImagePath, String initrdPath, String bootArgs) {}

    public record Drive(@JsonProperty(required = true) String driveId, String partuuid,
                        @JsonProperty(required = true) Boolean isRootDevice, String cacheType, Boolean isReadOnly,
                        String pathOnHost, JsonNode rateLimiter, String ioEngine, String socket) {}

    public record PartialDrive(@JsonProperty(required = true) String driveId, String pathOnHost, JsonNode rateLimiter) {}

    public record MachineConfiguration(String cpuTemplate, Boolean smt, Long memSizeMib, Boolean trackDirtyPages,
                                       Integer vcpuCount, String hugePages) {}

    public record NetworkInterface(String guestMac, @JsonProperty(required = true) String hostDevName,
                                   @JsonProperty(required = true) String ifaceId, Integer mtu, JsonNode rxRateLimiter,
                                   JsonNode txRateLimiter) {}

    public record PartialNetworkInterface(@JsonProperty(required = true) String ifaceId, JsonNode rxRateLimiter,
                                          JsonNode txRateLimiter) {}

    public record Vsock(@JsonProperty(required = true) Long guestCid, @JsonProperty(required = true) String udsPath,
                        String vsockId) {}

    public record EntropyDevice(JsonNode rateLimiter) {}

    public record Balloon(@JsonProperty(required = true) Long amountMib, @JsonProperty(required = true) Boolean deflateOnOom,
                          Integer statsPollingIntervalS, Boolean freePageHinting, Boolean freePageReporting) {}

    public record BalloonUpdate(@JsonProperty(required = true) Long amountMib) {}

    public record BalloonStatsUpdate(@JsonProperty(required = true) Integer statsPollingIntervalS) {}

    public record InstanceActionInfo(@JsonProperty(required = true) String actionType) {}

    /** The {@code Vm} definition: the state PATCH /vm asks for. */
    public record VmState(@JsonProperty(required = true) String state) {}

    public record SnapshotCreateParams(@JsonProperty(required = true) String memFilePath,
                                       @JsonProperty(required = true) String snapshotPath, String snapshotType) {}

    public record SnapshotLoadParams(Boolean enableDiffSnapshots, Boolean trackDirtyPages, String memFilePath,
                                     MemoryBackend memBackend, @JsonProperty(required = true) String snapshotPath,
                                     Boolean resumeVm, List<NetworkOverride> networkOverrides,
                                     VsockOverride vsockOverride, Boolean clockRealtime, String hugePages) {}

    public record MemoryBackend(@JsonProperty(required = true) String backendType,
                                @JsonProperty(required = true) String backendPath) {}

    public record NetworkOverride(@JsonProperty(required = true) String ifaceId,
                                  @JsonProperty(required = true) String hostDevName) {}

    public record VsockOverride(@JsonProperty(required = true) String udsPath) {}

    public record Logger(String level, String logPath, Boolean showLevel, Boolean showLogOrigin, String module) {}

    public record Metrics(@JsonProperty(required = true) String metricsPath, Boolean emitId,
                          Map<String, String> properties) {}

    public record InstanceInfo(String appName, String id, String state, String vmmVersion) {}

    public record FirecrackerVersion(String firecrackerVersion) {}

    public record BalloonStats(long targetPages, long actualPages, long targetMib, long actualMib) {}

    public record Error(String faultMessage) {}

    /** {@code FullVmConfiguration}: the document GET /vm/config answers and --config-file reads. */
    public record FullVmConfiguration(Balloon balloon, List<Drive> drives,
                                      @JsonProperty("boot-source") BootSource bootSource,
                                      @JsonProperty("cpu-config") JsonNode cpuConfig, Logger logger,
                                      @JsonProperty("machine-config") MachineConfiguration machineConfig,
                                      Metrics metrics, @JsonProperty("memory-hotplug") JsonNode memoryHotplug,
                                      @JsonProperty("mmds-config") JsonNode mmdsConfig,
                                      @JsonProperty("network-interfaces") List<NetworkInterface> networkInterfaces,
                                      JsonNode pmem, Vsock vsock, EntropyDevice entropy) {}
}
