"""The IRIs of innograph: one base, our closed vocabulary, and the vocabularies we reuse."""

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

__all__ = [
    "BASE", "ID", "IG", "CONCEPT", "PREFIXES",
    "ORG", "PROV", "OA", "QB", "SDMX_DIMENSION", "SDMX_MEASURE", "SDMX_ATTRIBUTE", "SCHEMA", "TIME", "local_name",
]

BASE = "https://w3id.org/innograph/"
ID = Namespace(BASE + "id/")
CONCEPT = Namespace(BASE + "concept/")


class IG(DefinedNamespace):
    """The innograph ontology's own terms (ontology/innograph.ttl); an unknown name fails."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    Fact: URIRef
    Actor: URIRef
    Locality: URIRef
    Region: URIRef
    Zone: URIRef
    Programme: URIRef
    Scheme: URIRef
    Pillar: URIRef
    Participation: URIRef
    Relationship: URIRef
    Cooperation: URIRef
    Agreement: URIRef
    Proposal: URIRef
    Request: URIRef
    Recommendation: URIRef
    Commitment: URIRef
    Goal: URIRef
    SectorFocus: URIRef
    Inference: URIRef

    category: URIRef
    party: URIRef
    initiator: URIRef
    addressee: URIRef
    status: URIRef
    sector: URIRef
    focusOf: URIRef
    aroseAt: URIRef
    event: URIRef
    participant: URIRef
    participationRole: URIRef
    partialDate: URIRef
    attestedOn: URIRef
    indicator: URIRef
    subject: URIRef
    growthOf: URIRef
    comparedWith: URIRef
    periodStart: URIRef
    periodEnd: URIRef
    deadline: URIRef
    valueQualifier: URIRef
    rankScope: URIRef
    responsible: URIRef
    implements: URIRef
    editionNumber: URIRef
    sha256: URIRef
    inferredFrom: URIRef
    about: URIRef
    inferredProperty: URIRef
    inferredValue: URIRef
    manages: URIRef
    partnerLocality: URIRef
    represents: URIRef

    Candidate: URIRef
    proposes: URIRef
    candidateKind: URIRef
    proposedBy: URIRef
    confidence: URIRef
    reviewState: URIRef
    candidateKey: URIRef
    PolicyDocument: URIRef
    documentType: URIRef
    TradeAgreement: URIRef
    kindOf: URIRef
    within: URIRef


ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
OA = Namespace("http://www.w3.org/ns/oa#")
QB = Namespace("http://purl.org/linked-data/cube#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SCHEMA = Namespace("https://schema.org/")
TIME = Namespace("http://www.w3.org/2006/time#")

# Prefixes known to every query the project runs or serves, so a user may leave them out.
PREFIXES: dict[str, str] = {
    "ig": str(IG._NS),
    "igr": str(ID),
    "sector": str(CONCEPT) + "sector/",
    "indicator": str(CONCEPT) + "indicator/",
    "role": str(CONCEPT) + "role/",
    "eventrole": str(CONCEPT) + "event-role/",
    "status": str(CONCEPT) + "status/",
    "obsstatus": str(CONCEPT) + "obs-status/",
    "qualifier": str(CONCEPT) + "qualifier/",
    "category": str(CONCEPT) + "category/",
    "unit": str(CONCEPT) + "unit/",
    "scheme": str(CONCEPT) + "scheme/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": str(ORG),
    "prov": str(PROV),
    "oa": str(OA),
    "qb": str(QB),
    "sdmx-dimension": str(SDMX_DIMENSION),
    "sdmx-measure": str(SDMX_MEASURE),
    "sdmx-attribute": str(SDMX_ATTRIBUTE),
    "schema": str(SCHEMA),
    "time": str(TIME),
}


def local_name(iri: str) -> str:
    """The last segment of an IRI, after its last `/` or `#`: c4ir-hcmc, Cooperation, signed."""
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
