using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Market : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "claim_contests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AssetId = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ServiceClass = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ClaimantId = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    HeldClaimId = table.Column<Guid>(type: "TEXT", nullable: false),
                    HolderId = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    RequestedFrom = table.Column<long>(type: "INTEGER", nullable: false),
                    RequestedTo = table.Column<long>(type: "INTEGER", nullable: true),
                    RaisedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_claim_contests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "conflict_checks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ScopeId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_conflict_checks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "conflicts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AssetId = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Rule = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ContractA = table.Column<Guid>(type: "TEXT", nullable: false),
                    ContractB = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProductA = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProductB = table.Column<Guid>(type: "TEXT", nullable: false),
                    PortfolioA = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    PortfolioB = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    SellerA = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    SellerB = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    BuyerA = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    BuyerB = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    CommittedKwA = table.Column<double>(type: "REAL", nullable: true),
                    CommittedKwB = table.Column<double>(type: "REAL", nullable: true),
                    AssetCapacityKw = table.Column<double>(type: "REAL", nullable: true),
                    FirstStart = table.Column<long>(type: "INTEGER", nullable: false),
                    FirstEnd = table.Column<long>(type: "INTEGER", nullable: false),
                    LastEnd = table.Column<long>(type: "INTEGER", nullable: false),
                    Occurrences = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Parties = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    AcknowledgedBy = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Resolution = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ResolvedBy = table.Column<string>(type: "TEXT", maxLength: 17, nullable: true),
                    DetectedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_conflicts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "contracts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PortfolioId = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ProductId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SellerId = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    BuyerId = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    From = table.Column<long>(type: "INTEGER", nullable: false),
                    To = table.Column<long>(type: "INTEGER", nullable: false),
                    ContractedCapacityKw = table.Column<double>(type: "REAL", nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    LayersJson = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ProposedBy = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    ProposedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AcceptedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EndedBy = table.Column<string>(type: "TEXT", maxLength: 17, nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_contracts", x => x.Id);
                    table.CheckConstraint("ck_contracts_period", "\"To\" >= \"From\"");
                });

            migrationBuilder.CreateTable(
                name: "operator_claims",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AssetId = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ServiceClass = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    OperatorId = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    From = table.Column<long>(type: "INTEGER", nullable: false),
                    To = table.Column<long>(type: "INTEGER", nullable: true),
                    ConsentReference = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ConsentMethod = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ConsentDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EndReason = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_operator_claims", x => x.Id);
                    table.CheckConstraint("ck_operator_claims_period", "\"To\" IS NULL OR \"To\" >= \"From\"");
                });

            migrationBuilder.CreateTable(
                name: "owner_access_failures",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AssetKey = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_owner_access_failures", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "owner_sessions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AssetId = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_owner_sessions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "portfolio_members",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PortfolioId = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    AssetId = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    AssetType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CapacityKw = table.Column<double>(type: "REAL", nullable: true),
                    From = table.Column<long>(type: "INTEGER", nullable: false),
                    To = table.Column<long>(type: "INTEGER", nullable: true),
                    AddedBy = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    AddedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_portfolio_members", x => x.Id);
                    table.CheckConstraint("ck_portfolio_members_period", "\"To\" IS NULL OR \"To\" >= \"From\"");
                });

            migrationBuilder.CreateTable(
                name: "products",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OwnerId = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    Template = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ServiceClass = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Direction = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    CapacityKw = table.Column<double>(type: "REAL", nullable: true),
                    ValidFrom = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ValidTo = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    WindowsJson = table.Column<string>(type: "TEXT", maxLength: 10000, nullable: false),
                    DayMask = table.Column<int>(type: "INTEGER", nullable: false),
                    MonthMask = table.Column<int>(type: "INTEGER", nullable: false),
                    EarliestStartMinute = table.Column<int>(type: "INTEGER", nullable: false),
                    LatestEndMinute = table.Column<int>(type: "INTEGER", nullable: false),
                    ScopeJson = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    RequirementsJson = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_products", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_claim_contests_ClaimantId",
                table: "claim_contests",
                column: "ClaimantId");

            migrationBuilder.CreateIndex(
                name: "IX_claim_contests_HolderId",
                table: "claim_contests",
                column: "HolderId");

            migrationBuilder.CreateIndex(
                name: "IX_conflict_checks_DueAt",
                table: "conflict_checks",
                column: "DueAt");

            migrationBuilder.CreateIndex(
                name: "IX_conflicts_AssetId_ContractA_ContractB",
                table: "conflicts",
                columns: new[] { "AssetId", "ContractA", "ContractB" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_conflicts_ContractA",
                table: "conflicts",
                column: "ContractA");

            migrationBuilder.CreateIndex(
                name: "IX_conflicts_ContractB",
                table: "conflicts",
                column: "ContractB");

            migrationBuilder.CreateIndex(
                name: "IX_conflicts_PortfolioA",
                table: "conflicts",
                column: "PortfolioA");

            migrationBuilder.CreateIndex(
                name: "IX_conflicts_PortfolioB",
                table: "conflicts",
                column: "PortfolioB");

            migrationBuilder.CreateIndex(
                name: "IX_conflicts_ProductA",
                table: "conflicts",
                column: "ProductA");

            migrationBuilder.CreateIndex(
                name: "IX_conflicts_ProductB",
                table: "conflicts",
                column: "ProductB");

            migrationBuilder.CreateIndex(
                name: "IX_contracts_BuyerId",
                table: "contracts",
                column: "BuyerId");

            migrationBuilder.CreateIndex(
                name: "IX_contracts_PortfolioId",
                table: "contracts",
                column: "PortfolioId");

            migrationBuilder.CreateIndex(
                name: "IX_contracts_ProductId",
                table: "contracts",
                column: "ProductId");

            migrationBuilder.CreateIndex(
                name: "IX_contracts_SellerId",
                table: "contracts",
                column: "SellerId");

            migrationBuilder.CreateIndex(
                name: "IX_operator_claims_AssetId_ServiceClass_From",
                table: "operator_claims",
                columns: new[] { "AssetId", "ServiceClass", "From" });

            migrationBuilder.CreateIndex(
                name: "IX_operator_claims_OperatorId",
                table: "operator_claims",
                column: "OperatorId");

            migrationBuilder.CreateIndex(
                name: "IX_owner_access_failures_AssetKey_At",
                table: "owner_access_failures",
                columns: new[] { "AssetKey", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_owner_sessions_ExpiresAt",
                table: "owner_sessions",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_owner_sessions_TokenHash",
                table: "owner_sessions",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_portfolio_members_AssetId",
                table: "portfolio_members",
                column: "AssetId");

            migrationBuilder.CreateIndex(
                name: "IX_portfolio_members_PortfolioId_From",
                table: "portfolio_members",
                columns: new[] { "PortfolioId", "From" });

            migrationBuilder.CreateIndex(
                name: "IX_products_OwnerId",
                table: "products",
                column: "OwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_products_Template",
                table: "products",
                column: "Template");

            // One operator per asset, service class and moment; one membership period of an asset in a portfolio at a
            // time. Triggers run inside the writing statement, under SQLite's single write lock, so concurrent writers
            // cannot both pass. Instants are the binary DateTimeOffset integers; an open end is the largest integer.
            migrationBuilder.Sql("""
                CREATE TRIGGER ex_operator_claims_period_insert BEFORE INSERT ON operator_claims
                WHEN EXISTS (
                    SELECT 1 FROM operator_claims c
                    WHERE c."AssetId" = NEW."AssetId" AND c."ServiceClass" = NEW."ServiceClass"
                      AND c."From" < COALESCE(c."To", 9223372036854775807) AND NEW."From" < COALESCE(NEW."To", 9223372036854775807)
                      AND c."From" < COALESCE(NEW."To", 9223372036854775807) AND NEW."From" < COALESCE(c."To", 9223372036854775807))
                BEGIN
                    SELECT RAISE(ABORT, 'ex_operator_claims_period');
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER ex_operator_claims_period_update BEFORE UPDATE OF "AssetId", "ServiceClass", "From", "To" ON operator_claims
                WHEN EXISTS (
                    SELECT 1 FROM operator_claims c
                    WHERE c."Id" <> NEW."Id" AND c."AssetId" = NEW."AssetId" AND c."ServiceClass" = NEW."ServiceClass"
                      AND c."From" < COALESCE(c."To", 9223372036854775807) AND NEW."From" < COALESCE(NEW."To", 9223372036854775807)
                      AND c."From" < COALESCE(NEW."To", 9223372036854775807) AND NEW."From" < COALESCE(c."To", 9223372036854775807))
                BEGIN
                    SELECT RAISE(ABORT, 'ex_operator_claims_period');
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER ex_portfolio_members_period_insert BEFORE INSERT ON portfolio_members
                WHEN EXISTS (
                    SELECT 1 FROM portfolio_members c
                    WHERE c."PortfolioId" = NEW."PortfolioId" AND c."AssetId" = NEW."AssetId"
                      AND c."From" < COALESCE(c."To", 9223372036854775807) AND NEW."From" < COALESCE(NEW."To", 9223372036854775807)
                      AND c."From" < COALESCE(NEW."To", 9223372036854775807) AND NEW."From" < COALESCE(c."To", 9223372036854775807))
                BEGIN
                    SELECT RAISE(ABORT, 'ex_portfolio_members_period');
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER ex_portfolio_members_period_update BEFORE UPDATE OF "PortfolioId", "AssetId", "From", "To" ON portfolio_members
                WHEN EXISTS (
                    SELECT 1 FROM portfolio_members c
                    WHERE c."Id" <> NEW."Id" AND c."PortfolioId" = NEW."PortfolioId" AND c."AssetId" = NEW."AssetId"
                      AND c."From" < COALESCE(c."To", 9223372036854775807) AND NEW."From" < COALESCE(NEW."To", 9223372036854775807)
                      AND c."From" < COALESCE(NEW."To", 9223372036854775807) AND NEW."From" < COALESCE(c."To", 9223372036854775807))
                BEGIN
                    SELECT RAISE(ABORT, 'ex_portfolio_members_period');
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ex_operator_claims_period_insert;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ex_operator_claims_period_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ex_portfolio_members_period_insert;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ex_portfolio_members_period_update;");

            migrationBuilder.DropTable(
                name: "claim_contests");

            migrationBuilder.DropTable(
                name: "conflict_checks");

            migrationBuilder.DropTable(
                name: "conflicts");

            migrationBuilder.DropTable(
                name: "contracts");

            migrationBuilder.DropTable(
                name: "operator_claims");

            migrationBuilder.DropTable(
                name: "owner_access_failures");

            migrationBuilder.DropTable(
                name: "owner_sessions");

            migrationBuilder.DropTable(
                name: "portfolio_members");

            migrationBuilder.DropTable(
                name: "products");
        }
    }
}
