using System.CommandLine;
using Warden.Cli.Output;

namespace Warden.Cli.Commands;

/// <summary><c>warden tenant create</c>.</summary>
internal static class TenantCommands
{
    public static Command Create()
    {
        var id = new Argument<string>("tenant-id") { Description = "lower-case letters, digits and '-'" };
        var name = new Option<string?>("--name") { Description = "display name (default: the id)" };
        var create = new Command("create", "create a tenant") { id, name };
        create.SetAction((parse, ct) => CliRun.AsOperatorAsync(parse, async (client, printer, token) =>
        {
            var tenantId = parse.GetRequiredValue(id);
            var tenant = await client.CreateTenantAsync(tenantId, parse.GetValue(name) ?? tenantId, token).ConfigureAwait(false);
            printer.Print(tenant, w => w.WriteLine($"tenant {tenant.TenantId} created"));
        }, ct));

        return new Command("tenant", "tenants") { create };
    }
}
