package dev.kapsel.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.kapsel.api.ApiModel.Balloon;
import dev.kapsel.api.ApiModel.BalloonStatsUpdate;
import dev.kapsel.api.ApiModel.BalloonUpdate;
import dev.kapsel.api.ApiModel.BootSource;
import dev.kapsel.api.ApiModel.Drive;
import dev.kapsel.api.ApiModel.EntropyDevice;
import dev.kapsel.api.ApiModel.InstanceActionInfo;
import dev.kapsel.api.ApiModel.Logger;
import dev.kapsel.api.ApiModel.MachineConfiguration;
import dev.kapsel.api.ApiModel.Metrics;
import dev.kapsel.api.ApiModel.NetworkInterface;
import dev.kapsel.api.ApiModel.PartialDrive;
import dev.kapsel.api.ApiModel.PartialNetworkInterface;
import dev.kapsel.api.ApiModel.SnapshotCreateParams;
import dev.kapsel.api.ApiModel.SnapshotLoadParams;
import dev.kapsel.api.ApiModel.VmState;
import dev.kapsel.api.ApiModel.Vsock;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns a request (method, path, body) into a {@link VmmAction}, and does nothing else: the body is
 * read strictly into its {@link ApiModel} record (unknown fields, wrong types and missing required
 * fields refused with a message naming the field), an id in the path must match the body's, and a
 * method and path kapsel does not serve is refused with Firecracker's message naming both.
 */
public final class ApiRoutes {
    /** Every operation served, as "METHOD /path/{template}" of the contract. */
    public static final List<String> SERVED = List.of(
            "GET /", "GET /version", "GET /vm/config",
            "GET /machine-config", "PUT /machine-config", "PATCH /machine-config",
            "PUT /boot-source", "PUT /drives/{drive_id}", "PATCH /drives/{drive_id}",
            "PUT /network-interfaces/{iface_id}", "PATCH /network-interfaces/{iface_id}",
            "PUT /vsock", "PUT /entropy", "GET /balloon", "PUT /balloon", "PATCH /balloon",
            "GET /balloon/statistics", "PATCH /balloon/statistics", "PUT /actions", "PATCH /vm",
            "PUT /snapshot/create", "PUT /snapshot/load", "PUT /logger", "PUT /metrics");

    private ApiRoutes() {}

    public static VmmAction parse(String method, String target, byte[] body) throws ApiFault {
        if (target.indexOf('?') >= 0 || target.indexOf('#') >= 0) {
            throw new ApiFault("Invalid request: the API takes no query string (" + method + " " + target + ")");
        }
        String path = target.length() > 1 && target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
        if (method.equals("GET") && body.length > 0) {
            throw new ApiFault("GET request cannot have a body.");
        }
        String[] parts = path.substring(1).split("/", -1);
        if (parts.length == 2 && parts[0].equals("drives")) {
            String id = id(parts[1], "drive_id");
            return switch (method) {
                case "PUT" -> new VmmAction.PutDrive(matching(read(body, Drive.class, method, path), Drive::driveId, id));
                case "PATCH" -> new VmmAction.PatchDrive(matching(read(body, PartialDrive.class, method, path), PartialDrive::driveId, id));
                default -> throw invalid(method, path);
            };
        }
        if (parts.length == 2 && parts[0].equals("network-interfaces")) {
            String id = id(parts[1], "iface_id");
            return switch (method) {
                case "PUT" -> new VmmAction.PutNetworkInterface(
                        matching(read(body, NetworkInterface.class, method, path), NetworkInterface::ifaceId, id));
                case "PATCH" -> new VmmAction.PatchNetworkInterface(
                        matching(read(body, PartialNetworkInterface.class, method, path), PartialNetworkInterface::ifaceId, id));
                default -> throw invalid(method, path);
            };
        }
        return switch (method + " " + path) {
            case "GET /" -> new VmmAction.GetInstanceInfo();
            case "GET /version" -> new VmmAction.GetVersion();
            case "GET /vm/config" -> new VmmAction.GetVmConfig();
            case "GET /machine-config" -> new VmmAction.GetMachineConfig();
            case "PUT /machine-config" -> new VmmAction.PutMachineConfig(read(body, MachineConfiguration.class, method, path));
            case "PATCH /machine-config" -> new VmmAction.PatchMachineConfig(read(body, MachineConfiguration.class, method, path));
            case "PUT /boot-source" -> new VmmAction.PutBootSource(read(body, BootSource.class, method, path));
            case "PUT /vsock" -> new VmmAction.PutVsock(read(body, Vsock.class, method, path));
            case "PUT /entropy" -> new VmmAction.PutEntropy(read(body, EntropyDevice.class, method, path));
            case "GET /balloon" -> new VmmAction.GetBalloon();
            case "PUT /balloon" -> new VmmAction.PutBalloon(read(body, Balloon.class, method, path));
            case "PATCH /balloon" -> new VmmAction.PatchBalloon(read(body, BalloonUpdate.class, method, path));
            case "GET /balloon/statistics" -> new VmmAction.GetBalloonStats();
            case "PATCH /balloon/statistics" -> new VmmAction.PatchBalloonStats(read(body, BalloonStatsUpdate.class, method, path));
            case "PUT /actions" -> action(read(body, InstanceActionInfo.class, method, path));
            case "PATCH /vm" -> vmState(read(body, VmState.class, method, path));
            case "PUT /snapshot/create" -> new VmmAction.CreateSnapshot(read(body, SnapshotCreateParams.class, method, path));
            case "PUT /snapshot/load" -> new VmmAction.LoadSnapshot(read(body, SnapshotLoadParams.class, method, path));
            case "PUT /logger" -> new VmmAction.PutLogger(read(body, Logger.class, method, path));
            case "PUT /metrics" -> new VmmAction.PutMetrics(read(body, Metrics.class, method, path));
            default -> throw invalid(method, path);
        };
    }

    private static ApiFault invalid(String method, String path) {
        return new ApiFault("Invalid request method and/or path: " + method + " " + path
                + " (kapsel does not implement it; see 'kapsel vm serve --help' for what it serves)");
    }

    private static String id(String id, String name) throws ApiFault {
        if (id.isEmpty() || id.length() > 64 || !id.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
            throw new ApiFault("Invalid " + name + " '" + id + "': 1 to 64 letters, digits, '_' or '-'");
        }
        return id;
    }

    private static <T> T matching(T body, java.util.function.Function<T, String> idOf, String pathId) throws ApiFault {
        if (!pathId.equals(idOf.apply(body))) {
            throw new ApiFault("The id from the path [" + pathId + "] does not match the id from the body [" + idOf.apply(body) + "]!");
        }
        return body;
    }

    private static VmmAction action(InstanceActionInfo info) throws ApiFault {
        return switch (info.actionType()) {
            case "InstanceStart" -> new VmmAction.InstanceStart();
            case "SendCtrlAltDel" -> new VmmAction.SendCtrlAltDel();
            case "FlushMetrics" -> new VmmAction.FlushMetrics();
            default -> throw new ApiFault("Invalid action_type '" + info.actionType()
                    + "': one of InstanceStart, SendCtrlAltDel, FlushMetrics");
        };
    }

    private static VmmAction vmState(VmState state) throws ApiFault {
        return switch (state.state()) {
            case "Paused" -> new VmmAction.Pause();
            case "Resumed" -> new VmmAction.Resume();
            default -> throw new ApiFault("Invalid VM state '" + state.state() + "': Paused or Resumed");
        };
    }

    static <T> T read(byte[] body, Class<T> type, String method, String path) throws ApiFault {
        String where = "the body of " + method + " " + path;
        if (body.length == 0) {
            throw new ApiFault("Empty request body: " + method + " " + path + " takes a " + type.getSimpleName() + " object");
        }
        try {
            T value = ApiJson.MAPPER.readValue(body, type);
            if (value == null) {
                throw new ApiFault(where + " must be a " + type.getSimpleName() + " object, not null");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
            throw new ApiFault("unknown field '" + e.getPropertyName() + "' in " + where + " (" + type.getSimpleName()
                    + " has: " + known + ")");
        } catch (MismatchedInputException e) {
            String field = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            throw new ApiFault("invalid " + where + (field.isEmpty() ? "" : " at field '" + field + "'") + ": "
                    + firstLine(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new ApiFault("invalid JSON in " + where + ": " + firstLine(e.getOriginalMessage()));
        } catch (java.io.IOException e) {
            throw new ApiFault("cannot read " + where + ": " + e.getMessage());
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
