"""The companion's first edition: six topics written for OPSI's outreach workers from WHO and
UNAIDS guidance and Indonesian law, each with its sources. The secretariat publishes the next
editions from the app."""

import datetime

from django.db import migrations

WHO_KP = (
    "WHO (2022). Consolidated guidelines on HIV, viral hepatitis and STI prevention, diagnosis, treatment and "
    "care for key populations. https://www.who.int/publications/i/item/9789240052390"
)

TOPICS = [
    {
        "key": "harm-reduction",
        "icon": "✚",
        "service_kinds": ["needle_syringe", "methadone", "hiv"],
        "title_id": "Pengurangan dampak buruk napza",
        "title_en": "Harm reduction for people who use drugs",
        "body_id": (
            "Pengurangan dampak buruk (harm reduction) menjaga kesehatan orang yang memakai napza tanpa menuntut "
            "mereka berhenti dulu. WHO dan UNAIDS menganjurkannya karena terbukti menurunkan penularan HIV dan "
            "hepatitis C.\n\n"
            "Yang bisa disampaikan:\n"
            "- Pakai jarum dan alat suntik steril yang baru setiap kali menyuntik.\n"
            "- Jangan berbagi jarum, alat suntik, sendok/wadah, air, atau kapas/filter.\n"
            "- Buang alat bekas di wadah keras yang tertutup, jangan di tempat sampah biasa.\n"
            "- Layanan alat suntik steril (LASS) memberi alat steril gratis: lihat direktori mitra.\n"
            "- Terapi rumatan metadon (PTRM) untuk pengguna opioid (putaw, heroin) mengurangi menyuntik dan "
            "risiko HIV; diminum setiap hari di puskesmas atau rumah sakit.\n"
            "- Tes HIV, hepatitis B dan hepatitis C secara rutin; minta vaksin hepatitis B.\n"
            "- Overdosis opioid (napas sangat lambat, bibir biru, tidak bisa dibangunkan): segera cari "
            "pertolongan medis; nalokson dapat memulihkan napas."
        ),
        "body_en": (
            "Harm reduction keeps people who use drugs healthy without asking them to stop first. WHO and UNAIDS "
            "recommend it because it lowers HIV and hepatitis C transmission.\n\n"
            "What to say:\n"
            "- Use a new sterile needle and syringe every time.\n"
            "- Never share needles, syringes, spoons/cookers, water or cotton/filters.\n"
            "- Put used equipment in a hard closed container, not in ordinary rubbish.\n"
            "- Needle and syringe programmes (LASS) give sterile equipment free: see the partners' directory.\n"
            "- Methadone maintenance (PTRM) for people who use opioids (heroin) reduces injecting and HIV risk; it "
            "is taken every day at a puskesmas or hospital.\n"
            "- Test for HIV, hepatitis B and hepatitis C regularly; ask for the hepatitis B vaccine.\n"
            "- Opioid overdose (very slow breathing, blue lips, cannot be woken): get medical help at once; "
            "naloxone can restore breathing."
        ),
        "sources": WHO_KP
        + "\nUNAIDS (2021). Health, rights and drugs: harm reduction, decriminalization and zero discrimination "
        "for people who use drugs.",
    },
    {
        "key": "meth-and-sex",
        "icon": "⚡",
        "service_kinds": ["hiv", "sti", "prep", "needle_syringe"],
        "title_id": "Sabu dan seks",
        "title_en": "Crystal meth (sabu) in a sexual context",
        "body_id": (
            "Sabu (metamfetamin) membuat orang terjaga lama, kurang merasakan sakit, dan sering berhubungan seks "
            "lebih lama atau dengan lebih banyak pasangan. Risikonya: kondom tidak dipakai atau robek, luka, dan "
            "penularan HIV serta IMS. WHO meminta layanan untuk populasi kunci memperhatikan pemakaian napza dalam "
            "konteks seksual tanpa menghakimi.\n\n"
            'Mulai percakapan dengan bertanya, bukan menasihati: "Kalau pakai, apa yang biasanya terjadi?"\n\n'
            "Yang bisa disampaikan:\n"
            "- Siapkan sebelumnya: kondom dan pelicin berbahan dasar air yang cukup.\n"
            "- Makan, minum air, dan tidur di sela pemakaian; jangan dicampur alkohol atau obat lain.\n"
            "- Pakai alat isap sendiri; bila menyuntik, selalu alat steril yang baru.\n"
            "- PrEP melindungi dari HIV bila diminum teratur; PEP dalam 72 jam setelah risiko.\n"
            "- Tes HIV dan IMS secara rutin.\n"
            "- Segera cari pertolongan medis bila ada nyeri dada, badan sangat panas, kejang, atau pingsan.\n"
            "- Gelisah, curiga berlebihan, atau murung setelah memakai bisa terjadi: konseling membantu, dan "
            "mitra pengurangan dampak buruk bisa mendampingi."
        ),
        "body_en": (
            "Crystal meth (methamphetamine) keeps people awake for long, dulls pain, and often leads to longer sex "
            "or more partners. The risks: condoms not used or breaking, injuries, and HIV and STI transmission. WHO "
            "asks services for key populations to address drug use in a sexual context without judging.\n\n"
            'Start by asking, not advising: "When you use, what usually happens?"\n\n'
            "What to say:\n"
            "- Plan ahead: enough condoms and water-based lubricant.\n"
            "- Eat, drink water and sleep between sessions; do not mix with alcohol or other drugs.\n"
            "- Use your own pipe; if injecting, always new sterile equipment.\n"
            "- PrEP protects from HIV when taken regularly; PEP within 72 hours after a risk.\n"
            "- Test for HIV and STIs regularly.\n"
            "- Get medical help at once for chest pain, very high body heat, seizures or fainting.\n"
            "- Anxiety, paranoia or low mood after using can happen: counselling helps, and harm-reduction "
            "partners can accompany the person."
        ),
        "sources": WHO_KP,
    },
    {
        "key": "prep-pep",
        "icon": "⚕",
        "service_kinds": ["prep", "hiv"],
        "title_id": "PrEP dan PEP",
        "title_en": "PrEP and PEP",
        "body_id": (
            "PrEP (profilaksis pra-pajanan) adalah obat yang diminum orang yang belum terinfeksi HIV untuk "
            "mencegah HIV. WHO menganjurkan PrEP bagi orang dengan risiko tinggi, termasuk pekerja seks.\n\n"
            "- Sebelum mulai: tes HIV (harus negatif) dan pemeriksaan ginjal sesuai petunjuk klinik.\n"
            "- Diminum setiap hari; perlindungan penuh setelah sekitar 7 hari minum teratur.\n"
            "- Tes HIV ulang setiap 3 bulan selama memakai PrEP.\n"
            "- PrEP tidak mencegah IMS lain atau kehamilan: tetap pakai kondom dan pelicin.\n\n"
            "PEP (profilaksis pasca-pajanan) diminum setelah risiko HIV (kondom robek, kekerasan seksual, "
            "tertusuk jarum bekas):\n"
            "- Mulai secepat mungkin, paling lambat 72 jam setelah kejadian.\n"
            "- Diminum selama 28 hari penuh.\n"
            "- Datang ke puskesmas, rumah sakit, atau klinik mitra di direktori; setelah kekerasan, OPSI bisa "
            "mendampingi."
        ),
        "body_en": (
            "PrEP (pre-exposure prophylaxis) is medicine taken by people who do not have HIV to prevent HIV. WHO "
            "recommends PrEP for people at substantial risk, sex workers among them.\n\n"
            "- Before starting: an HIV test (it must be negative) and kidney checks as the clinic advises.\n"
            "- Taken every day; full protection after about 7 days of regular use.\n"
            "- An HIV test again every 3 months while on PrEP.\n"
            "- PrEP does not prevent other STIs or pregnancy: keep using condoms and lubricant.\n\n"
            "PEP (post-exposure prophylaxis) is taken after an HIV risk (a broken condom, sexual violence, a prick "
            "from a used needle):\n"
            "- Start as soon as possible, at the latest 72 hours after it happened.\n"
            "- Taken for a full 28 days.\n"
            "- Go to a puskesmas, hospital or a partner clinic in the directory; after violence, OPSI can go "
            "with the person."
        ),
        "sources": WHO_KP + "\nWHO (2022). Differentiated and simplified pre-exposure prophylaxis for HIV prevention."
        "\nWHO (2024). Guidelines for HIV post-exposure prophylaxis.",
    },
    {
        "key": "sti",
        "icon": "♥",
        "service_kinds": ["sti", "hiv"],
        "title_id": "Infeksi menular seksual (IMS)",
        "title_en": "Sexually transmitted infections (STIs)",
        "body_id": (
            "Banyak IMS tidak menimbulkan keluhan, jadi tes rutin penting walau merasa sehat. WHO menganjurkan "
            "pemeriksaan IMS berkala bagi pekerja seks.\n\n"
            "Tanda yang perlu diperiksakan:\n"
            "- Keputihan atau cairan yang tidak biasa dari vagina, penis, atau anus.\n"
            "- Luka, benjolan, atau kutil di kelamin, anus, atau mulut.\n"
            "- Nyeri saat kencing atau berhubungan seks; nyeri perut bagian bawah.\n\n"
            "Yang bisa disampaikan:\n"
            "- Sifilis, gonore, klamidia, dan trikomoniasis bisa disembuhkan dengan obat dari klinik.\n"
            "- Minum obat sampai habis; jangan membeli antibiotik sendiri (gonore makin kebal obat).\n"
            "- Pasangan tetap juga perlu diperiksa dan diobati.\n"
            "- Kondom dengan pelicin berbahan dasar air melindungi dari sebagian besar IMS.\n"
            "- Bila hamil, tes sifilis dan HIV melindungi bayi."
        ),
        "body_en": (
            "Many STIs cause no symptoms, so regular testing matters even when feeling well. WHO recommends "
            "periodic STI checks for sex workers.\n\n"
            "Signs to have checked:\n"
            "- Unusual discharge from the vagina, penis or anus.\n"
            "- Sores, lumps or warts on the genitals, anus or mouth.\n"
            "- Pain when urinating or during sex; pain in the lower belly.\n\n"
            "What to say:\n"
            "- Syphilis, gonorrhoea, chlamydia and trichomoniasis are cured with medicine from a clinic.\n"
            "- Take all the medicine; do not buy antibiotics on your own (gonorrhoea is becoming resistant).\n"
            "- Regular partners need checking and treatment too.\n"
            "- Condoms with water-based lubricant protect from most STIs.\n"
            "- In pregnancy, syphilis and HIV tests protect the baby."
        ),
        "sources": "WHO (2024). Sexually transmitted infections (STIs): fact sheet. "
        "https://www.who.int/news-room/fact-sheets/detail/sexually-transmitted-infections-(stis)\n" + WHO_KP,
    },
    {
        "key": "police",
        "icon": "⚖",
        "service_kinds": ["legal_aid"],
        "title_id": "Hak saat dihentikan atau ditangkap polisi",
        "title_en": "Rights when stopped or arrested by the police",
        "body_id": (
            "Menurut KUHAP (UU No. 8 Tahun 1981), orang yang ditangkap punya hak-hak ini:\n"
            "- Polisi yang menangkap harus menunjukkan surat tugas dan memberikan surat perintah penangkapan "
            "yang menyebut identitas, alasan, dan tempat pemeriksaan; tembusannya diberikan kepada keluarga "
            "(Pasal 18).\n"
            "- Penangkapan paling lama satu hari (Pasal 19).\n"
            "- Diberi tahu dengan bahasa yang dimengerti apa yang disangkakan (Pasal 51).\n"
            "- Memberi keterangan secara bebas, tanpa tekanan (Pasal 52 dan 117).\n"
            "- Didampingi penasihat hukum sejak pemeriksaan (Pasal 54); bantuan hukum gratis untuk ancaman "
            "pidana berat (Pasal 56).\n"
            "- Menghubungi dan dihubungi keluarga (Pasal 59 dan 60).\n"
            "- Tidak wajib menandatangani berita acara yang tidak sesuai: penolakan dicatat (Pasal 118).\n\n"
            "Tetap tenang, ingat nama dan satuan polisi, jangan melawan, dan segera hubungi koordinator OPSI "
            "atau lembaga bantuan hukum di direktori mitra. Catat kejadiannya bersama OPSI bila hak dilanggar."
        ),
        "body_en": (
            "Under Indonesia's Code of Criminal Procedure (KUHAP, Law 8 of 1981), a person arrested has these "
            "rights:\n"
            "- The police must show their assignment letter and give an arrest warrant naming the person, the "
            "reason and where they will be examined; a copy goes to the family (Article 18).\n"
            "- An arrest lasts one day at most (Article 19).\n"
            "- To be told, in a language they understand, what they are suspected of (Article 51).\n"
            "- To give statements freely, without pressure (Articles 52 and 117).\n"
            "- A lawyer from the examination on (Article 54); free legal aid for serious charges (Article 56).\n"
            "- To contact and be contacted by family (Articles 59 and 60).\n"
            "- No duty to sign a statement that is not right: the refusal is noted (Article 118).\n\n"
            "Stay calm, remember the officers' names and unit, do not resist, and call the OPSI coordinator or a "
            "legal aid organisation in the partners' directory at once. Record what happened with OPSI if rights "
            "were violated."
        ),
        "sources": "Undang-Undang Nomor 8 Tahun 1981 tentang Hukum Acara Pidana (KUHAP): Pasal 18, 19, 51, 52, 54, "
        "56, 59, 60, 117, 118.",
    },
    {
        "key": "ktp-bpjs",
        "icon": "✎",
        "service_kinds": ["legal_aid", "community"],
        "title_id": "Langkah mengurus KTP dan BPJS",
        "title_en": "Steps to get a KTP and BPJS",
        "body_id": (
            "KTP-el dibutuhkan untuk BPJS Kesehatan, dan BPJS dibutuhkan untuk berobat gratis.\n\n"
            "KTP-el:\n"
            "- Untuk warga berumur 17 tahun atau yang sudah/pernah menikah.\n"
            "- Butuh Kartu Keluarga (KK). Tanpa KK, urus KK dulu di Dinas Dukcapil (bisa dengan surat "
            "keterangan pindah atau domisili).\n"
            "- Datang ke Dinas Dukcapil atau kecamatan: foto, sidik jari, dan iris mata direkam.\n"
            "- Pengurusan dokumen kependudukan tidak dipungut biaya (UU 24/2013, Pasal 79A).\n\n"
            "BPJS Kesehatan (JKN):\n"
            "- Syarat utama: NIK yang terdaftar di Dukcapil.\n"
            "- Orang tidak mampu dapat didaftarkan sebagai PBI (iuran dibayar pemerintah) lewat Dinas Sosial "
            "setelah masuk data terpadu kesejahteraan sosial.\n"
            "- Atau daftar mandiri di kantor BPJS atau aplikasi Mobile JKN, dengan iuran bulanan.\n\n"
            "OPSI bisa mendampingi setiap langkah; catat kasusnya agar hambatan (misalnya stigma di kantor) "
            "terlihat."
        ),
        "body_en": (
            "An e-KTP is needed for BPJS Kesehatan, and BPJS is needed for free health care.\n\n"
            "e-KTP:\n"
            "- For citizens aged 17, or who are or have been married.\n"
            "- A family card (KK) is needed. Without one, get the KK first at the Dukcapil office (a moving or "
            "domicile letter can help).\n"
            "- Go to the Dukcapil office or the sub-district: photo, fingerprints and iris are recorded.\n"
            "- Population documents are issued free of charge (Law 24 of 2013, Article 79A).\n\n"
            "BPJS Kesehatan (JKN):\n"
            "- The main requirement: a NIK registered at Dukcapil.\n"
            "- People who cannot pay can be registered as PBI (contributions paid by the government) through the "
            "social affairs office once they are in the integrated social welfare data.\n"
            "- Or register independently at a BPJS office or the Mobile JKN app, with a monthly contribution.\n\n"
            "OPSI can go with the person at every step; record the case so that barriers (such as stigma at the "
            "office) are seen."
        ),
        "sources": "Undang-Undang Nomor 24 Tahun 2013 tentang Perubahan atas UU 23/2006 tentang Administrasi "
        "Kependudukan (Pasal 63, 79A).\nUndang-Undang Nomor 40 Tahun 2004 tentang Sistem Jaminan Sosial Nasional; "
        "BPJS Kesehatan, Mobile JKN.",
    },
]


def publish(apps, schema_editor):
    Edition = apps.get_model("partners", "CompanionEdition")
    Topic = apps.get_model("partners", "CompanionTopic")
    if Edition.objects.exists():
        return
    edition = Edition.objects.create(
        number=1,
        published_on=datetime.date(2026, 12, 7),
        changes_id="Edisi pertama: pengurangan dampak buruk, sabu dan seks, PrEP dan PEP, IMS, hak saat ditangkap "
        "polisi, langkah KTP dan BPJS.",
        changes_en="First edition: harm reduction, crystal meth and sex, PrEP and PEP, STIs, rights when arrested, "
        "KTP and BPJS steps.",
    )
    for order, topic in enumerate(TOPICS):
        Topic.objects.create(edition=edition, order=order, **topic)


def unpublish(apps, schema_editor):
    apps.get_model("partners", "CompanionEdition").objects.filter(number=1).delete()


class Migration(migrations.Migration):
    dependencies = [("partners", "0003_outreach_companion")]

    operations = [migrations.RunPython(publish, unpublish)]
