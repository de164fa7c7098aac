namespace Warden.Sessions;

/// <summary>
/// The task an agent declares when it opens a session. It reaches Cedar as attributes of the session entity
/// (<c>context.session.task</c>, <c>.purpose</c>, <c>.promptId</c>, <c>.promptHash</c>, <c>.onBehalfOf</c>).
/// </summary>
/// <param name="Task">The task in words (required, at most <see cref="WardenLimits.MaxLongTextLength"/> characters).</param>
/// <param name="Purpose">
/// A short machine-readable task kind chosen by the tenant (e.g. <c>quarterly-report</c>); policies use it for
/// intent rules such as "a report session only reads reports". Empty when the tenant does not use purposes.
/// </param>
/// <param name="PromptId">The id of the prompt that started the task (may be empty).</param>
/// <param name="PromptHash">A hash of that prompt, for lineage (may be empty).</param>
/// <param name="OnBehalfOf">The user the agent acts for (may be empty).</param>
[GenerateSerializer, Immutable, Alias("warden.Intent")]
public sealed record Intent(
    [property: Id(0)] string Task,
    [property: Id(1)] string Purpose,
    [property: Id(2)] string PromptId,
    [property: Id(3)] string PromptHash,
    [property: Id(4)] string OnBehalfOf);
