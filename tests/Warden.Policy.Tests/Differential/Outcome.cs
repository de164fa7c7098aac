using System.Text.Json.Nodes;

namespace Warden.Policy.Tests.Differential;

/// <summary>
/// One engine's answer to one request, in the terms both engines share: did the policies parse, were the entities
/// and request accepted, the decision, the determining policy ids and the erroring policy ids (as sorted sets).
/// </summary>
/// <param name="Parsed">The policy text parsed.</param>
/// <param name="Accepted">The entities, context and request were accepted (false: the request failed as a whole).</param>
/// <param name="Decision"><c>allow</c> or <c>deny</c> when accepted.</param>
/// <param name="Reasons">The determining policy ids, sorted.</param>
/// <param name="Errors">The erroring policy ids, sorted.</param>
/// <param name="Detail">Messages for the reader (never compared).</param>
/// <param name="Crashed">The engine threw something other than its documented errors (always a bug).</param>
/// <param name="NoApplicableAction">
/// Validation only: the policies hit by the one documented version difference, sorted. For Warden, the policies whose
/// only error is "no action in the scope applies" (<c>InvalidActionApplication</c>, as in the packed corpus made by an
/// older Cedar); for cedar-wasm 4.13, the policies without errors that it warns the same about. Null when none.
/// </param>
internal sealed record Outcome(bool Parsed, bool Accepted, string Decision, string[] Reasons, string[] Errors, string Detail, bool Crashed = false, string[]? NoApplicableAction = null)
{
    /// <summary>The policies hit by the documented version difference (empty unless validation).</summary>
    public string[] VersionDifference => NoApplicableAction ?? [];

    /// <summary>
    /// True when Warden's answer (this) and cedar-wasm's (<paramref name="cedar"/>) agree on everything compared. For
    /// validation, a policy Warden refuses only because no action in its scope applies must be exactly a policy
    /// cedar-wasm 4.13 validates with that warning (docs/cedar-differential.md, disagreement 2); every other policy
    /// must be valid or invalid on both sides.
    /// </summary>
    public bool SameAs(Outcome cedar) =>
        !Crashed && !cedar.Crashed
        && Parsed == cedar.Parsed
        && (!Parsed || (Accepted == cedar.Accepted
            && (!Accepted || (IsValidation
                ? VersionDifference.SequenceEqual(cedar.VersionDifference) && Errors.Except(VersionDifference).SequenceEqual(cedar.Errors)
                : Decision == cedar.Decision && Reasons.SequenceEqual(cedar.Reasons) && Errors.SequenceEqual(cedar.Errors)))));

    private bool IsValidation => Decision is "valid" or "invalid";

    /// <summary>The compared part, for messages.</summary>
    public string Summary() => Crashed
        ? "CRASH " + Detail
        : !Parsed
            ? "parse error: " + Detail
            : !Accepted
                ? "request refused: " + Detail
                : $"{Decision} reasons=[{string.Join(",", Reasons)}] errors=[{string.Join(",", Errors)}]" + (Detail.Length > 0 ? " (" + Detail + ")" : "");

    /// <summary>Reads an oracle answer line.</summary>
    public static Outcome FromOracle(JsonObject answer)
    {
        var parsed = answer["parsed"]?.GetValue<bool>() ?? false;
        var failure = answer["failure"]?.GetValue<string>() ?? "";
        if (!parsed)
        {
            return new Outcome(false, false, "", [], [], failure);
        }

        if (answer["valid"] is { } valid)
        {
            var invalid = (answer["invalid"] as JsonArray ?? []).Select(n => n!.GetValue<string>()).Order(StringComparer.Ordinal).ToArray();
            var why = string.Join("; ", (answer["messages"] as JsonArray ?? []).Select(n => n!.GetValue<string>()));
            var noAction = (answer["noApplicableAction"] as JsonArray ?? []).Select(n => n!.GetValue<string>()).Order(StringComparer.Ordinal).ToArray();
            return new Outcome(true, true, valid.GetValue<bool>() ? "valid" : "invalid", [], invalid, why, NoApplicableAction: noAction);
        }

        if (answer["ok"]?.GetValue<bool>() != true)
        {
            return new Outcome(true, false, "", [], [], failure);
        }

        static string[] Ids(JsonNode? node) =>
            [.. (node as JsonArray ?? []).Select(n => n!.GetValue<string>()).Order(StringComparer.Ordinal)];

        var messages = string.Join("; ", (answer["messages"] as JsonArray ?? []).Select(n => n!.GetValue<string>()));
        return new Outcome(true, true, answer["decision"]!.GetValue<string>(), Ids(answer["reasons"]), Ids(answer["errors"]), messages);
    }
}
