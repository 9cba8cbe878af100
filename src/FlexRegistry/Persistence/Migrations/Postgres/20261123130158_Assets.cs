using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Assets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "assets",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    DataStatus = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    MergedInto = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Mpan = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: true),
                    ExportMpan = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: true),
                    Manufacturer = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Model = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    SerialNumber = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    IdentityKey = table.Column<string>(type: "character varying(260)", maxLength: 260, nullable: true),
                    MeterKey = table.Column<string>(type: "character varying(130)", maxLength: 130, nullable: true),
                    AddressLine1 = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Town = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Postcode = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    PostcodeDistrict = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: true),
                    Latitude = table.Column<double>(type: "double precision", nullable: true),
                    Longitude = table.Column<double>(type: "double precision", nullable: true),
                    DnoDistributorId = table.Column<int>(type: "integer", nullable: true),
                    GspGroup = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                    ImportCapacityKw = table.Column<double>(type: "double precision", nullable: true),
                    ExportCapacityKw = table.Column<double>(type: "double precision", nullable: true),
                    StorageCapacityKwh = table.Column<double>(type: "double precision", nullable: true),
                    RatedCapacityKw = table.Column<double>(type: "double precision", nullable: true),
                    ConnectionVoltageKv = table.Column<double>(type: "double precision", nullable: true),
                    CommissioningDate = table.Column<DateOnly>(type: "date", nullable: true),
                    ConsentReference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ConsentMethod = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ConsentDate = table.Column<DateOnly>(type: "date", nullable: true),
                    MarketQualifications = table.Column<string[]>(type: "text[]", nullable: false),
                    RegistrantId = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: false),
                    Parties = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    ConfirmationDueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ConfirmationAttempts = table.Column<int>(type: "integer", nullable: false),
                    ConfirmationNote = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    RegisteredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false),
                    ConsentConfirmedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ConsentConfirmedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ConsentDeclaredBy = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    IdentityConfirmedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    IdentityConfirmedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    IdentityDeclaredBy = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    LocationConfirmedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LocationConfirmedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    LocationDeclaredBy = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    TechnicalConfirmedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    TechnicalConfirmedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    TechnicalDeclaredBy = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_assets", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "idempotency_keys",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ParticipantId = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: false),
                    Key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Operation = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    RequestHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ResourceId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ResponseJson = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_idempotency_keys", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_assets_ConfirmationDueAt",
                table: "assets",
                column: "ConfirmationDueAt");

            migrationBuilder.CreateIndex(
                name: "IX_assets_DnoDistributorId_Type",
                table: "assets",
                columns: new[] { "DnoDistributorId", "Type" });

            migrationBuilder.CreateIndex(
                name: "IX_assets_GspGroup_Type",
                table: "assets",
                columns: new[] { "GspGroup", "Type" });

            migrationBuilder.CreateIndex(
                name: "IX_assets_Mpan",
                table: "assets",
                column: "Mpan");

            migrationBuilder.CreateIndex(
                name: "IX_assets_PostcodeDistrict",
                table: "assets",
                column: "PostcodeDistrict");

            migrationBuilder.CreateIndex(
                name: "IX_assets_Postcode_Type",
                table: "assets",
                columns: new[] { "Postcode", "Type" });

            migrationBuilder.CreateIndex(
                name: "IX_assets_RegistrantId",
                table: "assets",
                column: "RegistrantId");

            migrationBuilder.CreateIndex(
                name: "ux_assets_identity_key",
                table: "assets",
                column: "IdentityKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_assets_meter_key",
                table: "assets",
                column: "MeterKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_idempotency_keys_ParticipantId_Operation_Key",
                table: "idempotency_keys",
                columns: new[] { "ParticipantId", "Operation", "Key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "assets");

            migrationBuilder.DropTable(
                name: "idempotency_keys");
        }
    }
}
