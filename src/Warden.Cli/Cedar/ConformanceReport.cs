namespace Warden.Cli.Cedar;

/// <summary>The outcome of a conformance run over a folder of Cedar integration tests.</summary>
public sealed class ConformanceReport
{
    /// <summary>Test files run.</summary>
    public int Files { get; internal set; }

    /// <summary>Requests whose decision, reasons and errors all matched.</summary>
    public int Passed { get; internal set; }

    /// <summary>Requests that did not match (a file that could not be run counts each of its requests, or one when unreadable).</summary>
    public int Failed { get; internal set; }

    /// <summary>Test files whose <c>shouldValidate</c> agreed with the validator.</summary>
    public int ValidationAgreed { get; internal set; }

    /// <summary>Test files whose <c>shouldValidate</c> disagreed with the validator.</summary>
    public int ValidationDisagreed { get; internal set; }

    /// <summary>True when a validator was supplied and consulted.</summary>
    public bool ValidationChecked { get; internal set; }

    /// <summary>One line per failure: the file, the request and what differed.</summary>
    public List<string> Failures { get; } = [];

    /// <summary>True when nothing failed (requests and, when checked, validation agreement).</summary>
    public bool Succeeded => Failed == 0 && ValidationDisagreed == 0;

    /// <summary>The summary line: <c>N passed, M failed</c>.</summary>
    public string Summary => $"{Passed} passed, {Failed} failed";

    /// <summary>The validation line.</summary>
    public string ValidationSummary => ValidationChecked
        ? $"validation: {ValidationAgreed} agreed, {ValidationDisagreed} disagreed"
        : "validation: not checked";
}
