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
internal sealed record Outcome(bool Parsed, bool Accepted, string Decision, string[] Reasons, string[] Errors, string Detail, bool Crashed = false)
{
    /// <summary>True when the two answers agree on everything compared.</summary>
    public bool SameAs(Outcome other) =>
        !Crashed && !other.Crashed
        && Parsed == other.Parsed
        && (!Parsed || (Accepted == other.Accepted
            && (!Accepted || (Decision == other.Decision && Reasons.SequenceEqual(other.Reasons) && Errors.SequenceEqual(other.Errors)))));

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
            return new Outcome(true, true, valid.GetValue<bool>() ? "valid" : "invalid", [], invalid, why);
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
