using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Sqlite
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
                    Id = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DataStatus = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    MergedInto = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Mpan = table.Column<string>(type: "TEXT", maxLength: 13, nullable: true),
                    ExportMpan = table.Column<string>(type: "TEXT", maxLength: 13, nullable: true),
                    Manufacturer = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Model = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    SerialNumber = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    IdentityKey = table.Column<string>(type: "TEXT", maxLength: 260, nullable: true),
                    MeterKey = table.Column<string>(type: "TEXT", maxLength: 130, nullable: true),
                    AddressLine1 = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Town = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Postcode = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true),
                    PostcodeDistrict = table.Column<string>(type: "TEXT", maxLength: 4, nullable: true),
                    Latitude = table.Column<double>(type: "REAL", nullable: true),
                    Longitude = table.Column<double>(type: "REAL", nullable: true),
                    DnoDistributorId = table.Column<int>(type: "INTEGER", nullable: true),
                    GspGroup = table.Column<string>(type: "TEXT", maxLength: 2, nullable: true),
                    ImportCapacityKw = table.Column<double>(type: "REAL", nullable: true),
                    ExportCapacityKw = table.Column<double>(type: "REAL", nullable: true),
                    StorageCapacityKwh = table.Column<double>(type: "REAL", nullable: true),
                    RatedCapacityKw = table.Column<double>(type: "REAL", nullable: true),
                    ConnectionVoltageKv = table.Column<double>(type: "REAL", nullable: true),
                    CommissioningDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    ConsentReference = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ConsentMethod = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ConsentDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    MarketQualifications = table.Column<string>(type: "TEXT", nullable: false),
                    RegistrantId = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    Parties = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    ConfirmationDueAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ConfirmationAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                    ConfirmationNote = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    RegisteredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConsentConfirmedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ConsentConfirmedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ConsentDeclaredBy = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    IdentityConfirmedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    IdentityConfirmedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    IdentityDeclaredBy = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    LocationConfirmedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LocationConfirmedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    LocationDeclaredBy = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    TechnicalConfirmedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    TechnicalConfirmedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    TechnicalDeclaredBy = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_assets", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "idempotency_keys",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ParticipantId = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Operation = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    RequestHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ResourceId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ResponseJson = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
