using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Warden.Host.Hosting;

namespace Warden.Host.Tests.Hosting;

public sealed class InlineIoTests
{
    [Fact]
    public async Task AddWardenInlineIo_SwitchOn_SetsTheRuntimeVariableAndKestrelsInlineScheduling()
    {
        var environment = new Dictionary<string, string>();
        var builder = WebApplication.CreateBuilder(["--Warden:InlineIoCompletions", "true"]);

        builder.AddWardenInlineIo(name => environment.GetValueOrDefault(name), (name, value) => environment[name] = value);
        await using var app = builder.Build();

        Assert.Equal("1", environment[InlineIo.SocketCompletionsVariable]);
        Assert.True(app.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
    }

    [Fact]
    public async Task AddWardenInlineIo_VariableSetByTheOperator_LeavesIt()
    {
        var environment = new Dictionary<string, string> { [InlineIo.SocketCompletionsVariable] = "0" };
        var builder = WebApplication.CreateBuilder(["--Warden:InlineIoCompletions", "true"]);

        builder.AddWardenInlineIo(name => environment.GetValueOrDefault(name), (name, value) => environment[name] = value);
        await using var app = builder.Build();

        Assert.Equal("0", environment[InlineIo.SocketCompletionsVariable]);
        Assert.True(app.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
    }

    [Fact]
    public async Task AddWardenInlineIo_NotConfigured_ChangesNothing()
    {
        var environment = new Dictionary<string, string>();
        var builder = WebApplication.CreateBuilder(Array.Empty<string>());

        builder.AddWardenInlineIo(name => environment.GetValueOrDefault(name), (name, value) => environment[name] = value);
        await using var app = builder.Build();

        Assert.Empty(environment);
        Assert.False(app.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
    }
}
