using Google.Rpc;
using Grpc.Core;

namespace Warden.Host.Tests.Infrastructure;

/// <summary>Assertions on gRPC failures.</summary>
internal static class RpcAssert
{
    public static async Task<RpcException> FailsWith(StatusCode code, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(code == e.StatusCode, $"expected {code}, got {e.StatusCode}: {e.Status.Detail}");
        return e;
    }

    /// <summary>INVALID_ARGUMENT whose google.rpc.BadRequest names <paramref name="field"/>.</summary>
    public static async Task<BadRequest> InvalidField(string field, Func<Task> call)
    {
        var e = await FailsWith(StatusCode.InvalidArgument, call);
        var badRequest = e.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.True(
            badRequest.FieldViolations.Any(v => v.Field == field),
            $"expected a violation of '{field}', got: {string.Join("; ", badRequest.FieldViolations.Select(v => v.Field + " " + v.Description))}");
        return badRequest;
    }

    /// <summary>NOT_FOUND whose message names <paramref name="field"/>.</summary>
    public static async Task NotFound(string field, Func<Task> call)
    {
        var e = await FailsWith(StatusCode.NotFound, call);
        Assert.StartsWith(field + ":", e.Status.Detail, StringComparison.Ordinal);
    }
}
