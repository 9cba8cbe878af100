using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Events;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Market;

/// <summary>Contracts: a portfolio delivering a product to its buyer for a period; one side proposes, the other accepts.</summary>
public abstract class ContractTests(RegistryApp app)
{
    [Fact]
    public async Task AContractNeedsBothSides_OneProposesTheOtherAccepts_OthersSeeNothing_AndTheSidesBecomeRelated()
    {
        var (fspId, fsp) = await app.RegisterActiveAsync();
        var (soId, so) = await app.RegisterSystemOperatorAsync();
        var (_, stranger) = await app.RegisterActiveAsync();
        using (fsp)
        using (so)
        using (stranger)
        {
            var portfolio = await fsp.RegisterPortfolioAsync();
            var product = await so.DefineProductAsync("dso-sustain");
            var proposal = await so.ProposeAsync(MarketTestData.Contract(portfolio, product, 12m) with
            {
                Layers = [new ContractLayerDto { ParticipantId = fspId.ParticipantId, Role = "fsp" }],
            });
            var contract = proposal.Contract;
            Assert.Equal((fspId.ParticipantId, soId.ParticipantId, soId.ParticipantId, "proposed"), (contract.SellerId, contract.BuyerId, contract.ProposedBy, contract.Status));
            // The portfolio has no members yet: 12 kW is more than it can deliver today.
            Assert.Contains("aggregate capacity", Assert.Single(contract.Warnings), StringComparison.Ordinal);

            // The other side has a notice; the proposer cannot accept its own proposal; a stranger cannot see it.
            Assert.Contains(await fsp.NoticesAsync(), n => n.Kind == "contract-proposal" && n.Subject == contract.ContractId);
            await (await so.PostAsync($"/api/v1/contracts/{contract.ContractId}/accept", null)).ReadProblem(HttpStatusCode.Conflict, "contract.invalid_status_transition");
            await (await stranger.PostAsync($"/api/v1/contracts/{contract.ContractId}/accept", null)).ReadProblem(HttpStatusCode.NotFound, "contract.not_found");
            await (await stranger.GetAsync($"/api/v1/contracts/{contract.ContractId}")).ReadProblem(HttpStatusCode.NotFound, "contract.not_found");
            Assert.Empty((await (await stranger.GetAsync("/api/v1/contracts")).Read<Page<ContractResponse>>()).Items);

            var accepted = await fsp.AcceptAsync(contract.ContractId);
            Assert.Equal("active", accepted.Contract.Status);
            Assert.DoesNotContain(await fsp.NoticesAsync(), n => n.Kind == "contract-proposal");
            var listed = await (await so.GetAsync("/api/v1/contracts?status=active")).Read<Page<ContractResponse>>();
            Assert.Equal(contract.ContractId, Assert.Single(listed.Items).ContractId);

            // BUC.4 step 9: the contract relates the two sides, so the FSP's corporate change reaches the buyer.
            await fsp.UpdateCommercialInformationAsync(fspId.ParticipantId);
            var (feed, _) = await so.ReadFeedAsync(types: "flexregistry.participant.updated");
            Assert.Contains(feed, e => e.Subject == fspId.ParticipantId);

            // Either side terminates; from then on it is no longer active.
            using var terminated = await so.PostAsJsonAsync($"/api/v1/contracts/{contract.ContractId}/terminate", new TerminateContractRequest { At = MarketTestData.Now.AddDays(10) });
            Assert.Equal("terminated", (await terminated.Read<ContractWithConflictsResponse>()).Contract.Status);
        }
    }

    [Fact]
    public async Task OnlyTheSellerOrTheBuyerProposes_EitherDeclines()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        var (_, so) = await app.RegisterSystemOperatorAsync();
        var (_, stranger) = await app.RegisterActiveAsync();
        using (fsp)
        using (so)
        using (stranger)
        {
            var portfolio = await fsp.RegisterPortfolioAsync();
            var product = await so.DefineProductAsync("dso-sustain");
            using (var byStranger = await stranger.PostAsJsonAsync("/api/v1/contracts", MarketTestData.Contract(portfolio, product)))
                await byStranger.ReadProblem(HttpStatusCode.UnprocessableEntity, "contract.not_a_party");
            var proposal = await fsp.ProposeAsync(MarketTestData.Contract(portfolio, product));
            using var declined = await so.PostAsync($"/api/v1/contracts/{proposal.Contract.ContractId}/decline", null);
            Assert.Equal("declined", (await declined.Read<ContractWithConflictsResponse>()).Contract.Status);
            await (await fsp.PostAsync($"/api/v1/contracts/{proposal.Contract.ContractId}/accept", null)).ReadProblem(HttpStatusCode.Conflict, "contract.invalid_status_transition");
        }
    }

    [Fact]
    public async Task BadInput_MissingFields_InvertedPeriod_UnknownProductOrLayer_AreAllListed_AndNothingIsStored_IdempotencyKeyReplays()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        var (_, so) = await app.RegisterSystemOperatorAsync();
        using (fsp)
        using (so)
        {
            var portfolio = await fsp.RegisterPortfolioAsync();
            var product = await so.DefineProductAsync("dso-sustain");
            using var bad = await fsp.PostAsJsonAsync("/api/v1/contracts", new ProposeContractRequest
            {
                PortfolioId = portfolio,
                ProductId = "not-a-product",
                From = MarketTestData.Now,
                To = MarketTestData.Now.AddDays(-1),
                ContractedCapacityKw = 0m,
                Layers = [new ContractLayerDto { ParticipantId = "nobody", Role = "broker" }],
            });
            var problem = await bad.ReadProblem(HttpStatusCode.UnprocessableEntity, "contract.validation_failed");
            Assert.Equal(
                new HashSet<(string, string)>
                {
                    ("productId", "field.invalid"), ("to", "period.inverted"), ("contractedCapacityKw", "field.out_of_range"),
                    ("layers[0].participantId", "field.invalid"), ("layers[0].role", "field.invalid"),
                },
                problem.Errors!.Select(e => (e.Field, e.Code)).ToHashSet());
            var unknownProduct = MarketTestData.Contract(portfolio, Guid.NewGuid().ToString());
            await (await fsp.PostAsJsonAsync("/api/v1/contracts", unknownProduct)).ReadProblem(HttpStatusCode.UnprocessableEntity, "contract.validation_failed");
            Assert.Empty((await (await fsp.GetAsync("/api/v1/contracts")).Read<Page<ContractResponse>>()).Items);

            // The same Idempotency-Key and body answer the same contract; another body with it is refused.
            var request = MarketTestData.Contract(portfolio, product);
            async Task<HttpResponseMessage> Send(ProposeContractRequest body)
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/contracts") { Content = JsonContent.Create(body) };
                message.Headers.Add("Idempotency-Key", "contract-once");
                return await fsp.SendAsync(message);
            }
            using var once = await Send(request);
            using var twice = await Send(request);
            Assert.Equal((await once.Read<ContractWithConflictsResponse>(HttpStatusCode.Created)).Contract.ContractId,
                (await twice.Read<ContractWithConflictsResponse>(HttpStatusCode.Created)).Contract.ContractId);
            using var other = await Send(request with { ContractedCapacityKw = 9m });
            await other.ReadProblem(HttpStatusCode.UnprocessableEntity, "idempotency.key_reused");
            Assert.Single((await (await fsp.GetAsync("/api/v1/contracts")).Read<Page<ContractResponse>>()).Items);
        }
    }
}

public sealed class ContractTests_Sqlite(SqliteApp app) : ContractTests(app), IClassFixture<SqliteApp>;

public sealed class ContractTests_Postgres(PostgresApp app) : ContractTests(app), IClassFixture<PostgresApp>;
