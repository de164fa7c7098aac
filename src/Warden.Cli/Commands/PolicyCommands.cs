using System.CommandLine;
using Warden.Cli.Output;

namespace Warden.Cli.Commands;

/// <summary><c>warden policy publish|get</c>.</summary>
internal static class PolicyCommands
{
    public static Command Create() => new("policy", "the tenant's Cedar policies") { Publish(), Get() };

    private static Command Publish()
    {
        var tenant = CliOptions.Tenant();
        var policies = new Option<string[]>("--policies", "-p")
        {
            Description = "Cedar policy file or folder of .cedar files (repeatable; files are joined in order)",
            Required = true,
        };
        var schema = new Option<FileInfo>("--schema", "-s") { Description = "Cedar schema file (.cedarschema), extending Warden's base schema", Required = true };
        var entities = new Option<FileInfo?>("--entities", "-e") { Description = "Cedar entities JSON file (resources, labels, agent groups)" };
        var command = new Command("publish", "validate and publish the tenant's policies (refused with the validator's errors)") { tenant, policies, schema, entities };
        command.SetAction((parse, ct) => CliRun.AsOperatorAsync(parse, async (client, printer, token) =>
        {
            if (!CliRun.TryRequire(printer, parse.GetValue(tenant), "--tenant", out var tenantId))
            {
                return;
            }

            var policyText = await ReadPoliciesAsync(parse.GetRequiredValue(policies), token).ConfigureAwait(false);
            var schemaText = await File.ReadAllTextAsync(parse.GetRequiredValue(schema).FullName, token).ConfigureAwait(false);
            var entitiesFile = parse.GetValue(entities);
            var entitiesText = entitiesFile is null ? null : await File.ReadAllTextAsync(entitiesFile.FullName, token).ConfigureAwait(false);
            var set = await client.PublishPoliciesAsync(tenantId, policyText, schemaText, entitiesText, token).ConfigureAwait(false);
            printer.Print(set, w => Describe.PolicySet(w, set));
        }, ct));
        return command;
    }

    /// <summary>Joins the named files, and the .cedar files of named folders in ordinal order, into one policy text.</summary>
    private static async Task<string> ReadPoliciesAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.GetFiles(path, "*.cedar").Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new FileNotFoundException($"no policy file or folder at {path}");
            }
        }

        var texts = new List<string>(files.Count);
        foreach (var file in files)
        {
            texts.Add(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false));
        }

        return string.Join("\n", texts);
    }

    private static Command Get()
    {
        var tenant = CliOptions.Tenant();
        var command = new Command("get", "print the tenant's current policies") { tenant };
        command.SetAction((parse, ct) => CliRun.AsOperatorAsync(parse, async (client, printer, token) =>
        {
            if (!CliRun.TryRequire(printer, parse.GetValue(tenant), "--tenant", out var tenantId))
            {
                return;
            }

            var set = await client.GetPoliciesAsync(tenantId, token).ConfigureAwait(false);
            printer.Print(set, w =>
            {
                w.WriteLine($"// {set.TenantId}: policy set version {set.Version}, published {Describe.Time(set.PublishedAt)}");
                w.WriteLine(set.Policies);
            });
        }, ct));
        return command;
    }
}
