using Warden.Host.Tests.Infrastructure;

namespace Warden.Host.Tests.Security;

[Collection(HostCollection.Name)]
public sealed class OperatorKeyTests(WardenHostFixture host)
{
    [Fact]
    public void OperatorKey_FirstStart_WrittenToDataFolderWithMode600()
    {
        Assert.True(File.Exists(host.OperatorKeyPath));
        Assert.StartsWith("wdn_op_", host.OperatorKey, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(host.OperatorKeyPath));
        }
    }

    [Fact]
    public void OperatorKey_FirstStart_LogsWhereButNeverTheKey()
    {
        Assert.Contains(host.Logs.Lines, l => l.Contains("OperatorKeyGenerated", StringComparison.Ordinal) && l.Contains(host.OperatorKeyPath, StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains(host.OperatorKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task OperatorKey_Generated_AuthenticatesOperatorCalls()
    {
        await using var op = host.Operator();
        var e = await Assert.ThrowsAnyAsync<Grpc.Core.RpcException>(() => op.GetTenantAsync("no-such-tenant-" + Guid.NewGuid().ToString("N")[..8]));
        // Authenticated: the answer is about the tenant, not about the caller.
        Assert.Equal(Grpc.Core.StatusCode.NotFound, e.StatusCode);
    }
}
