// Usage: Warden.Storage.CrashProbe <data-directory> <Full|Normal> <grain-count>
// Writes ProbeState { Grain, Sequence } for grain-count grains in parallel, forever, through the public
// registration (AddWardenEmbeddedStorage, keyed IGrainStorage "warden"), and prints "ack <grain> <sequence>"
// after each write is acknowledged. It is meant to be killed.
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using Orleans.Storage;
using Warden.Storage;
using Warden.Storage.Hosting;
using Warden.Storage.Options;

var directory = args[0];
var durability = Enum.Parse<SqliteDurability>(args[1]);
var grains = int.Parse(args[2], CultureInfo.InvariantCulture);

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.UseOrleans(silo => silo
    .UseLocalhostClustering()
    .AddWardenEmbeddedStorage(o =>
    {
        o.DataDirectory = directory;
        o.Durability = durability;
    }));
using var host = builder.Build();
var storage = host.Services.GetRequiredKeyedService<IGrainStorage>(WardenStorageNames.Grains);
var output = TextWriter.Synchronized(Console.Out);
output.WriteLine("ready");

await Task.WhenAll(Enumerable.Range(0, grains).Select(async grain =>
{
    var id = GrainId.Create("probe", grain.ToString(CultureInfo.InvariantCulture));
    var state = new GrainState<ProbeState>(new ProbeState());
    for (var sequence = 1L; ; sequence++)
    {
        state.State = new ProbeState { Grain = grain, Sequence = sequence };
        await storage.WriteStateAsync("probe", id, state);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ack {grain} {sequence}"));
    }
}));

/// <summary>The state the probe writes.</summary>
public sealed class ProbeState
{
    /// <summary>Which grain.</summary>
    public int Grain { get; set; }

    /// <summary>How many writes this grain made; the last acknowledged one must survive.</summary>
    public long Sequence { get; set; }
}
