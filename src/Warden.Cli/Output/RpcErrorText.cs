using Google.Rpc;
using Grpc.Core;

namespace Warden.Cli.Output;

/// <summary>Turns a gRPC failure into one readable line plus the field violations it carries.</summary>
internal static class RpcErrorText
{
    public static string Describe(RpcException e)
    {
        var text = $"{e.StatusCode}: {e.Status.Detail}";
        var status = e.GetRpcStatus();
        var badRequest = status?.GetDetail<BadRequest>();
        if (badRequest is { FieldViolations.Count: > 1 })
        {
            text = $"{e.StatusCode}:" + string.Concat(badRequest.FieldViolations.Select(v => $"{Environment.NewLine}  {v.Field}: {v.Description}"));
        }

        return text;
    }
}
