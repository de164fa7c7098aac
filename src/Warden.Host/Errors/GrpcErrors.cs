using System.Diagnostics.CodeAnalysis;
using Google.Rpc;
using Grpc.Core;
using Google.Protobuf.WellKnownTypes;
using Status = Google.Rpc.Status;

namespace Warden.Host.Errors;

/// <summary>Throw helpers that turn caller and transport failures into gRPC statuses with google.rpc details.</summary>
internal static class GrpcErrors
{
    /// <summary>INVALID_ARGUMENT with a google.rpc.BadRequest listing every violation.</summary>
    [DoesNotReturn]
    public static void InvalidArgument(IReadOnlyList<BadRequest.Types.FieldViolation> violations)
    {
        var badRequest = new BadRequest { FieldViolations = { violations } };
        var message = violations.Count == 1
            ? $"{violations[0].Field}: {violations[0].Description}"
            : $"{violations.Count} invalid fields: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}"));
        throw new Status { Code = (int)Code.InvalidArgument, Message = message, Details = { Any.Pack(badRequest) } }.ToRpcException();
    }

    /// <summary>INVALID_ARGUMENT for one field.</summary>
    [DoesNotReturn]
    public static void InvalidArgument(string field, string description) =>
        InvalidArgument([new BadRequest.Types.FieldViolation { Field = field, Description = description }]);

    /// <summary>NOT_FOUND naming the field that pointed at nothing (google.rpc.ResourceInfo says which).</summary>
    [DoesNotReturn]
    public static void NotFound(string field, string resourceType, string resourceName)
    {
        var info = new ResourceInfo { ResourceType = resourceType, ResourceName = resourceName, Description = $"no {resourceType} '{resourceName}' (field {field})" };
        throw new Status { Code = (int)Code.NotFound, Message = $"{field}: {resourceType} '{resourceName}' was not found", Details = { Any.Pack(info) } }.ToRpcException();
    }

    /// <summary>NOT_FOUND naming the field, with the grain's message.</summary>
    [DoesNotReturn]
    public static void NotFoundMessage(string field, string message)
    {
        var info = new ResourceInfo { ResourceName = field, Description = message };
        throw new Status { Code = (int)Code.NotFound, Message = $"{field}: {message}", Details = { Any.Pack(info) } }.ToRpcException();
    }

    /// <summary>ALREADY_EXISTS.</summary>
    [DoesNotReturn]
    public static void AlreadyExists(string message) => throw new RpcException(new Grpc.Core.Status(StatusCode.AlreadyExists, message));

    /// <summary>INTERNAL with a message that reveals nothing of the internals.</summary>
    [DoesNotReturn]
    public static void Internal(string message) => throw new RpcException(new Grpc.Core.Status(StatusCode.Internal, message));

    /// <summary>PERMISSION_DENIED.</summary>
    [DoesNotReturn]
    public static void PermissionDenied(string message) => throw new RpcException(new Grpc.Core.Status(StatusCode.PermissionDenied, message));

    /// <summary>UNAUTHENTICATED.</summary>
    [DoesNotReturn]
    public static void Unauthenticated(string message) => throw new RpcException(new Grpc.Core.Status(StatusCode.Unauthenticated, message));

    /// <summary>FAILED_PRECONDITION (for example an operation on a retired agent or a closed session).</summary>
    [DoesNotReturn]
    public static void FailedPrecondition(string message) => throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, message));
}
