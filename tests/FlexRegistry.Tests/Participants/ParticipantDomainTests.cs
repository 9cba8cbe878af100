using FlexRegistry.Participants;
using FlexRegistry.Shared;

namespace FlexRegistry.Tests.Participants;

/// <summary>Pure domain tests: IDs, name matching and the status transition table.</summary>
public sealed class ParticipantDomainTests
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    [Fact]
    public void NewIds_RoundTrip_AndAreUnique()
    {
        var ids = Enumerable.Range(0, 2000).Select(_ => ParticipantId.New()).ToList();
        Assert.Equal(ids.Count, ids.Select(i => i.Value).Distinct().Count());
        Assert.All(ids, id =>
        {
            Assert.True(ParticipantId.TryParse(id.Value, out var parsed));
            Assert.Equal(id, parsed);
            Assert.True(ParticipantId.TryParse(id.Value.ToLowerInvariant(), out var lower));
            Assert.Equal(id, lower);
        });
    }

    [Fact]
    public void CheckCharacter_DetectsEverySingleSubstitution()
    {
        foreach (var id in Enumerable.Range(0, 25).Select(_ => ParticipantId.New().Value))
        {
            for (var position = 4; position < id.Length; position++)
            {
                foreach (var c in Alphabet.Where(c => c != id[position]))
                {
                    var typo = id[..position] + c + id[(position + 1)..];
                    Assert.False(ParticipantId.TryParse(typo, out _), $"{typo} (from {id}) was accepted");
                }
            }
        }
    }

    [Fact]
    public void CheckCharacter_DetectsEveryAdjacentTransposition()
    {
        foreach (var id in Enumerable.Range(0, 200).Select(_ => ParticipantId.New().Value))
        {
            for (var position = 4; position < id.Length - 1; position++)
            {
                if (id[position] == id[position + 1])
                    continue;
                var swapped = id[..position] + id[position + 1] + id[position] + id[(position + 2)..];
                Assert.False(ParticipantId.TryParse(swapped, out _), $"{swapped} (from {id}) was accepted");
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("FRP-")]
    [InlineData("FRP-0000000000000")]
    [InlineData("FRX-7K3M9QX2VD4HJ")]
    [InlineData("FRP-7K3M9QX2VD4H")]
    [InlineData("FRP-7K3M9QX2VD4HJJ")]
    [InlineData("FRP-IK3M9QX2VD4HJ")] // I is not in the Crockford body alphabet
    [InlineData("FRP 7K3M9QX2VD4HJ")]
    public void Malformed_IsRejected(string input)
    {
        var valid = input.Length == ParticipantId.Length && input.StartsWith("FRP-", StringComparison.Ordinal) &&
                    CheckCharacter.IsValid("FRP" + input[4..]) && input[4..^1].All(CheckCharacter.BodyAlphabet.Contains);
        Assert.False(valid && ParticipantId.TryParse(input, out _) is false);
        if (!valid)
            Assert.False(ParticipantId.TryParse(input, out _));
    }

    [Fact]
    public void CheckCharacter_IsTheWeightedMod37Sum()
    {
        // Worked by hand: body "A" (10) has weight 2 → 20, check 37-20 = 17 = 'H';
        // body "1A" has weights 3, 2 → 3 + 20 = 23, check 14 = 'E'.
        Assert.True(CheckCharacter.TryCompute("A", out var a));
        Assert.Equal('H', a);
        Assert.True(CheckCharacter.TryCompute("1A", out var b));
        Assert.Equal('E', b);
        Assert.True(CheckCharacter.IsValid("1AE"));
        Assert.False(CheckCharacter.IsValid("A1E"));
        // "1" has weight 2 → 2, check value 35 = 'Z'.
        Assert.True(CheckCharacter.IsValid("1Z"));
        // "J" (19) has weight 2 → 38 ≡ 1, so its check value would be 36: no check character, never issued.
        Assert.False(CheckCharacter.TryCompute("J", out _));
    }

    [Theory]
    [InlineData("Acme Energy Ltd", "ACME ENERGY LIMITED")]
    [InlineData("Acme & Sons Company", "ACME AND SONS CO")]
    [InlineData("The Öko Power Co. Ltd.", "oko power co ltd")]
    public void Names_NormaliseToTheSameString(string a, string b) =>
        Assert.Equal(OrganisationName.Normalise(a), OrganisationName.Normalise(b));

    [Theory]
    [InlineData("Acme Energy Ltd", "Acme Enregy Ltd", true)]   // a typo
    [InlineData("Energy Acme Ltd", "Acme Energy Limited", true)] // reordered words
    [InlineData("Acme Energy Ltd", "Zenith Storage Ltd", false)]
    [InlineData("Octopus Energy Ltd", "Octopus Energy Services Ltd", false)]
    public void Similarity_SeparatesNearDuplicatesFromNeighbours(string a, string b, bool near)
    {
        var score = OrganisationName.Similarity(OrganisationName.Normalise(a), OrganisationName.Normalise(b));
        Assert.Equal(near, score >= RegisterParticipant.NearDuplicateThreshold);
    }

    [Fact]
    public void JaroWinkler_MatchesTheTextbookValues()
    {
        Assert.Equal(0.961, FlexRegistry.Shared.Matching.Text.JaroWinkler("MARTHA", "MARHTA"), 3);
        Assert.Equal(0.840, FlexRegistry.Shared.Matching.Text.JaroWinkler("DWAYNE", "DUANE"), 3);
        Assert.Equal(0.813, FlexRegistry.Shared.Matching.Text.JaroWinkler("DIXON", "DICKSONX"), 3);
    }

    [Fact]
    public void TransitionTable_IsExactlyTheDocumentedOne()
    {
        var allowed = ParticipantStatusTransitions.Transitions
            .SelectMany(t => t.Value.Select(to => $"{t.Key.ToWire()}>{to.ToWire()}"))
            .Order()
            .ToList();
        Assert.Equal(
            new[]
            {
                "active>deregistered", "active>merged", "active>suspended",
                "provisional>active", "provisional>merged", "provisional>rejected",
                "suspended>active", "suspended>deregistered",
            },
            allowed);
    }

    [Fact]
    public void Aggregate_RefusesTransitionsOutsideTheTable_AndRecordsEvents()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        Assert.True(Email.TryParse("a@b.example", out var email));
        var participant = Participant.Register("Acme Ltd", CompanyNumber.Parse("01234567"), null, null, false,
            new Address("1 Road", null, "Town", "CB1 1AA"), email, new AuthorisedPerson("A", "a@b.example"), ["fsp"], now);

        var error = Assert.Throws<DomainRuleException>(() => participant.Suspend("x", "op", now));
        Assert.Equal("participant.invalid_status_transition", error.Error.Code);

        var change = participant.Verify("ok", "op", now);
        Assert.Equal(ParticipantStatus.Active, participant.Status);
        Assert.Equal((ParticipantStatus.Provisional, ParticipantStatus.Active, "op"), (change.From, change.To, change.Actor));
        var events = participant.TakeEvents().Select(e => e.Type);
        Assert.Equal(["participant.registered", "participant.verified"], events);
        Assert.Throws<DomainRuleException>(() => participant.MergeInto(participant.Id, "self", "op", now));
    }
}
