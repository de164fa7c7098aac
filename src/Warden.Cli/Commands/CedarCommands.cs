using System.CommandLine;
using Warden.Cli.Cedar;

namespace Warden.Cli.Commands;

/// <summary>The <c>warden cedar …</c> commands for policy authors.</summary>
internal static class CedarCommands
{
    /// <summary>Builds <c>warden cedar</c> with its subcommands.</summary>
    public static Command Create()
    {
        var directory = new Argument<DirectoryInfo>("DIR")
        {
            Description = "A folder holding Cedar integration tests: tests/, sample-data/ and/or corpus-tests/",
        };
        var conformance = new Command("conformance", "Run Cedar's integration tests against Warden's engine; exit code 0 only when all pass")
        {
            directory,
        };
        conformance.SetAction(parseResult =>
        {
            var root = parseResult.GetValue(directory)!;
            if (!root.Exists)
            {
                Console.Error.WriteLine($"error: {root.FullName} does not exist");
                return 2;
            }

            var report = new ConformanceRunner(ConformanceOptions.Default).Run(root.FullName, Console.Out);
            return report.Succeeded ? 0 : 1;
        });

        return new Command("cedar", "Cedar policy tools") { conformance };
    }
}
