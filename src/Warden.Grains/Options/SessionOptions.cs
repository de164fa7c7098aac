using Microsoft.Extensions.Options;

namespace Warden.Grains.Options;

/// <summary>
/// Limits and timings of sessions. Bound from configuration section <c>Warden:Sessions</c> by the host (or configured
/// in code); validated when the silo starts.
/// </summary>
public sealed class SessionOptions
{
    /// <summary>TTL of a session that asks for none. Default 5 minutes: access should die with the task.</summary>
    public TimeSpan DefaultTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest TTL a session may ask for; a longer request is refused. Default 1 hour.</summary>
    public TimeSpan MaxTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long after its expiry the grain timer closes an active session. Expiry never waits for it (every decision
    /// compares against the clock); the timer only closes the session out (event, agent registry, reminder). Default 1 second.
    /// </summary>
    public TimeSpan ExpirySweepDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long after its expiry the durable reminder closes a session whose activation was lost (restart, failover).
    /// Default 1 minute.
    /// </summary>
    public TimeSpan ReminderDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The reminder's period (it repeats until the session is closed). Orleans refuses periods below
    /// <c>ReminderOptions.MinimumReminderPeriod</c>, 1 minute in production. Default 1 minute.
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a pending approval waits for an operator (never beyond its session's expiry). Default 15 minutes.</summary>
    public TimeSpan ApprovalTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How many recent events a session activation keeps in memory for <c>GetHistoryAsync</c>. Default 32: the
    /// complete record is the lineage log, and this buffer is paid for by every live session.
    /// </summary>
    public int RecentEventLimit { get; set; } = 32;

    /// <summary>Most evaluations in one <c>EvaluateManyAsync</c> call. Default 256.</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>How many times a revocation or policy fan-out retries one session before giving up (and failing the call). Default 3.</summary>
    public int FanOutAttempts { get; set; } = 3;
}

/// <summary>Checks <see cref="SessionOptions"/> at silo start.</summary>
internal sealed class SessionOptionsValidator : IValidateOptions<SessionOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionOptions options)
    {
        var failures = new List<string>();
        if (options.DefaultTtl <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(SessionOptions.DefaultTtl)} must be positive.");
        }

        if (options.MaxTtl < options.DefaultTtl)
        {
            failures.Add($"{nameof(SessionOptions.MaxTtl)} must be at least {nameof(SessionOptions.DefaultTtl)}.");
        }

        if (options.ExpirySweepDelay < TimeSpan.Zero)
        {
            failures.Add($"{nameof(SessionOptions.ExpirySweepDelay)} must not be negative.");
        }

        if (options.ReminderDelay < TimeSpan.Zero)
        {
            failures.Add($"{nameof(SessionOptions.ReminderDelay)} must not be negative.");
        }

        if (options.ReminderPeriod <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(SessionOptions.ReminderPeriod)} must be positive.");
        }

        if (options.ApprovalTtl <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(SessionOptions.ApprovalTtl)} must be positive.");
        }

        if (options.RecentEventLimit < 0)
        {
            failures.Add($"{nameof(SessionOptions.RecentEventLimit)} must not be negative.");
        }

        if (options.MaxBatchSize is < 1 or > 4096)
        {
            failures.Add($"{nameof(SessionOptions.MaxBatchSize)} must be between 1 and 4096.");
        }

        if (options.FanOutAttempts is < 1 or > 10)
        {
            failures.Add($"{nameof(SessionOptions.FanOutAttempts)} must be between 1 and 10.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
