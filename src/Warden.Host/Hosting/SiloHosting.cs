using System.Net;
using Orleans.Configuration;
using Warden.Grains.Hosting;
using Warden.Grains.Options;
using Warden.Storage.Hosting;

namespace Warden.Host.Hosting;

/// <summary>
/// The Orleans silo inside the host: single-node localhost clustering in Embedded and Memory mode, Azure table
/// membership in Azure mode (three silos or more), storage, the grains, and the membership and reminder timings.
/// </summary>
public static class SiloHosting
{
    /// <summary>Section bound onto Orleans' <see cref="ClusterMembershipOptions"/> (failure detection timings).</summary>
    public const string MembershipSection = "Warden:Cluster:Membership";

    /// <summary>Section bound onto Orleans' <see cref="ReminderOptions"/> (minimum reminder period and refresh).</summary>
    public const string RemindersSection = "Warden:Cluster:Reminders";

    /// <summary>Adds the silo.</summary>
    public static WebApplicationBuilder AddWardenSilo(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        StorageHosting.DefaultStorageDirectoryToDataPath(builder.Configuration);
        var section = builder.Configuration.GetSection(WardenHostOptions.SectionName);
        var cluster = section.GetSection(nameof(WardenHostOptions.Cluster)).Get<WardenClusterOptions>() ?? new WardenClusterOptions();
        var listenAddress = section[nameof(WardenHostOptions.ListenAddress)] ?? new WardenHostOptions().ListenAddress;
        var clustered = builder.Configuration.WardenStorageProvidesClustering();
        builder.UseOrleans(silo =>
        {
            if (clustered)
            {
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = cluster.ClusterId;
                    o.ServiceId = cluster.ServiceId;
                });
                ConfigureClusterEndpoints(silo, cluster, listenAddress);
            }
            else
            {
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            }

            silo.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection(MembershipSection));
            silo.Configure<ReminderOptions>(builder.Configuration.GetSection(RemindersSection));
            silo.AddWardenHostStorage(builder.Configuration);
            silo.AddWardenGrains(sessions => builder.Configuration.GetSection("Warden:Sessions").Bind(sessions));
            silo.Services.Configure<WardenEventOptions>(builder.Configuration.GetSection(WardenEventOptions.SectionName));
        });
        return builder;
    }

    private static void ConfigureClusterEndpoints(ISiloBuilder silo, WardenClusterOptions cluster, string listenAddress)
    {
        // The address other silos and clients dial: configured, else the listen address when it is a specific one
        // (a loopback cluster, or a node bound to its own address), else the one Orleans finds on the network card.
        var advertised = cluster.AdvertisedAddress ?? listenAddress;
        if (!IPAddress.TryParse(advertised, out var address))
        {
            throw new InvalidOperationException($"Warden:Cluster:AdvertisedAddress '{advertised}' is not an IP address.");
        }

        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            silo.ConfigureEndpoints(cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
        }
        else
        {
            silo.ConfigureEndpoints(address, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: !address.Equals(IPAddress.Parse(listenAddress)));
        }
    }
}
