namespace Warden.Grains.Policy;

/// <summary>
/// Warden's base Cedar schema (namespace <c>Warden</c>), which every tenant schema extends. See
/// <c>docs/cedar-model.md</c> for what each declaration means and how requests are built from it.
/// </summary>
public static class WardenBaseSchema
{
    private const string ResourceName = "Warden.Grains.Policy.warden.cedarschema";

    /// <summary>The schema text (Cedar's human-readable schema format).</summary>
    public static string Text { get; } = Load();

    /// <summary>How many lines <see cref="Text"/> has (tenant schema lines follow it when the two are parsed together).</summary>
    public static int LineCount { get; } = Text.Split('\n').Length;

    /// <summary>The principal type: <c>Warden::Agent</c>.</summary>
    public const string AgentType = "Warden::Agent";

    /// <summary>The agent group type: <c>Warden::AgentGroup</c>.</summary>
    public const string AgentGroupType = "Warden::AgentGroup";

    /// <summary>The session type: <c>Warden::Session</c>.</summary>
    public const string SessionType = "Warden::Session";

    /// <summary>The resource type of holdability questions: <c>Warden::Grant</c>.</summary>
    public const string GrantType = "Warden::Grant";

    /// <summary>The action type of tenant actions: an action named <c>x</c> is <c>Action::"x"</c>.</summary>
    public const string TenantActionType = "Action";

    /// <summary>The action type of Warden's own actions.</summary>
    public const string WardenActionType = "Warden::Action";

    /// <summary>The holdability action's id: <c>Warden::Action::"hold"</c>.</summary>
    public const string HoldActionId = "hold";

    private static string Load()
    {
        using var stream = typeof(WardenBaseSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
