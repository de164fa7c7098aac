using Warden.Grains.Hosting;

namespace Warden.Host.Hosting;

/// <summary>The Orleans silo inside the host: single-node localhost clustering, storage, the grains.</summary>
public static class SiloHosting
{
    /// <summary>Adds the silo.</summary>
    public static WebApplicationBuilder AddWardenSilo(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var cluster = builder.Configuration.GetSection(WardenHostOptions.SectionName).GetSection(nameof(WardenHostOptions.Cluster)).Get<WardenClusterOptions>()
            ?? new WardenClusterOptions();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            silo.AddWardenStorage(builder.Configuration);
            silo.AddWardenGrains(sessions => builder.Configuration.GetSection("Warden:Sessions").Bind(sessions));
        });
        return builder;
    }
}
