using Grpc.Core;
using Warden.Client.Connection;
using Warden.Client.Operators;
using Warden.Cluster.Tests.Infrastructure;
using Warden.Host.Security;
using Warden.Testing;

namespace Warden.Cluster.Tests.Client;

/// <summary>
/// <see cref="WardenClientOptions.Endpoints"/> with several gateways: the client skips one that does not answer and
/// moves on when the one it uses goes away. Two single-node hosts with one operator key stand in for two gateways;
/// which host served a call shows in which host knows the tenant it created.
/// </summary>
public sealed class EndpointFailoverTests
{
    [Fact]
    public async Task Client_FirstEndpointDownThenSecondStops_CallsGoToTheNextGateway()
    {
        using var folder = TempDirectory.Create("client-failover");
        var keyFile = folder.Combine("operator.key");
        await File.WriteAllTextAsync(keyFile, OperatorKeyStore.NewKey() + "\n");
        var operatorKey = (await File.ReadAllTextAsync(keyFile)).Trim();
        var a = await InProcessHost.StartAsync(folder.Combine("a"), "--operator-key-file", keyFile);
        await using var b = await InProcessHost.StartAsync(folder.Combine("b"), "--operator-key-file", keyFile);
        var aStopped = false;
        try
        {
            var nobody = new Uri($"http://127.0.0.1:{FreePort.Next()}");
            var options = new WardenClientOptions { Credential = operatorKey, CallTimeout = TimeSpan.FromSeconds(10) };
            options.Endpoints.Add(nobody);
            options.Endpoints.Add(a.Grpc);
            options.Endpoints.Add(b.Grpc);
            await using var client = WardenOperatorClient.Create(options);
            await using var onlyA = WardenOperatorClient.Create(a.Grpc.ToString(), operatorKey);
            await using var onlyB = WardenOperatorClient.Create(b.Grpc.ToString(), operatorKey);

            // The first endpoint refuses connections: the call lands on the second, A.
            await client.CreateTenantAsync("first", "created while the first endpoint is down");
            Assert.Equal("first", (await onlyA.GetTenantAsync("first")).TenantId);
            Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => onlyB.GetTenantAsync("first"))).StatusCode);

            // A goes away: the same client carries on through B.
            await a.DisposeAsync();
            aStopped = true;
            await client.CreateTenantAsync("second", "created after A stopped");
            Assert.Equal("second", (await onlyB.GetTenantAsync("second")).TenantId);
        }
        finally
        {
            if (!aStopped)
            {
                await a.DisposeAsync();
            }
        }
    }
}
