using System.CommandLine;
using Google.Protobuf;
using Grpc.Core;
using Warden.Client;
using Warden.Client.Operators;
using Warden.Cli.Output;

namespace Warden.Cli.Commands;

/// <summary>Runs a command's action: builds the client it needs, prints the outcome, maps failures to an exit code.</summary>
internal static class CliRun
{
    /// <summary>Exit code of a failed call (the server refused or could not be reached).</summary>
    public const int CallFailed = 1;

    /// <summary>Exit code of a usage error (missing credential or option).</summary>
    public const int UsageError = 2;

    public static async Task<int> AsOperatorAsync(ParseResult parse, Func<WardenOperatorClient, CliPrinter, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        var printer = new CliPrinter(parse);
        var key = parse.GetValue(CliOptions.OperatorKey);
        if (string.IsNullOrWhiteSpace(key))
        {
            return printer.Fail(UsageError, "an operator key is required: --operator-key or WARDEN_OPERATOR_KEY");
        }

        return await RunAsync(printer, async ct =>
        {
            await using var client = WardenOperatorClient.Create(parse.GetRequiredValue(CliOptions.Url), key);
            await action(client, printer, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<int> AsAgentAsync(ParseResult parse, Func<WardenClient, CliPrinter, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        var printer = new CliPrinter(parse);
        var key = parse.GetValue(CliOptions.AgentKey);
        if (string.IsNullOrWhiteSpace(key))
        {
            return printer.Fail(UsageError, "an agent credential is required: --agent-key or WARDEN_AGENT_KEY");
        }

        return await RunAsync(printer, async ct =>
        {
            await using var client = WardenClient.Create(parse.GetRequiredValue(CliOptions.Url), key);
            await action(client, printer, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a required option, or reports it missing.</summary>
    public static bool TryRequire(CliPrinter printer, string? value, string option, out string result)
    {
        result = value ?? string.Empty;
        if (!string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        printer.Fail(UsageError, $"{option} is required");
        return false;
    }

    private static async Task<int> RunAsync(CliPrinter printer, Func<CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await action(cancellationToken).ConfigureAwait(false);
            return printer.ExitCode;
        }
        catch (RpcException e)
        {
            return printer.Fail(CallFailed, RpcErrorText.Describe(e));
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or InvalidJsonException or InvalidProtocolBufferException or FormatException or IOException)
        {
            return printer.Fail(UsageError, e.Message);
        }
    }
}
