using Grpc.Health.V1;
using Warden.Host.Tests.Infrastructure;

namespace Warden.Host.Tests.Health;

[Collection(HostCollection.Name)]
public sealed class HealthTests(WardenHostFixture host)
{
    [Fact]
    public async Task GrpcHealth_Check_ReportsServingWithoutCredentials()
    {
        using var channel = host.Channel();
        var response = await new Grpc.Health.V1.Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Healthz_Get_Returns200OnTheHttp1Endpoint()
    {
        using var http = new HttpClient { BaseAddress = host.HttpUri };
        using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Version(1, 1), response.Version);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}
